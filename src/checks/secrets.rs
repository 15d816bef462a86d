//! Checks of this family: see checks.md. (Filled in by the family's author.)

use super::Check;

pub const CHECKS: &[Check] = &[];
