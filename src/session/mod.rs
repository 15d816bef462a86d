//! The tamper-evident session log: an append-only JSON Lines record of what an operator
//! did in one session (scans, triage, notes, suppressions, remediations, exports).
//!
//! Each line is a JSON object `{"seq", "at", "prev", "kind", ...fields}` ending in `\n`.
//! `prev` is the hex SHA-256 of the exact bytes of the previous line, newline included;
//! the first line's `prev` is the hash of [`GENESIS`]. Changing, removing or reordering
//! any line therefore breaks the chain at a point [`verify()`] can name.
//!
//! The limit, stated plainly: removing the *last* complete lines leaves a shorter log
//! that is still a valid chain, so it cannot be detected from the file alone. Exports
//! record the head hash ([`SessionLog::head`]) at the time they were written;
//! [`verify_against_head`] checks that this hash is still in the log.
//!
//! [`SessionLog`] writes the log (the one module outside `store` that writes a file: an
//! append-only log cannot be written atomically by rename). [`verify()`] and
//! [`event::Event::summary`] are pure.

pub mod event;
pub mod read;
pub mod verify;
pub mod writer;

use sha2::{Digest, Sha256};

pub use event::{Entry, Event, RemediationAction, SuppressionAction};
pub use verify::{verify, verify_against_head, verify_file, BadLine, VerifyReport};
pub use writer::{LogError, SessionLog};

/// What the first line's `prev` is the hash of. Versioned so a future format cannot be
/// mistaken for this one.
pub const GENESIS: &str = "docket-session-log-v1";

/// Lowercase hex SHA-256 of `bytes`: the hash one line records of the line before it.
pub fn line_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    hex
}

/// The `prev` of the first line.
pub fn genesis_hash() -> String {
    line_hash(GENESIS.as_bytes())
}

const HEX: &[u8; 16] = b"0123456789abcdef";
