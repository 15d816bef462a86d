//! Sources: the only code that reads the outside world. Each turns its input into a
//! [`crate::model::Snapshot`] fragment; fragments are merged into one snapshot.
