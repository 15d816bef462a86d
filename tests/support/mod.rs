//! Helpers shared by integration tests. Every test crate that says `mod support;`
//! compiles this whole tree, and none uses every helper, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod kube_standin;
