//! PLACEHOLDER until the demo inventory lands (owned by the demo author, who replaces
//! this whole file).

use super::{Loaded, SourceError};

pub fn load() -> Result<Loaded, SourceError> {
    Err(SourceError::new("embedded demo", "the demo inventory is not built yet", "use --from PATH"))
}
