//! Reading a session log's lines back into [`Entry`] values (pure: bytes in, entries out),
//! for exports and anything else that needs the events rather than the chain.
//!
//! Reading is not verifying: a line that is not a readable entry (cut, damaged, written by
//! a newer Docket with an event kind this one does not know) is skipped and its line number
//! reported, so the caller can say so. Whether the log is intact is [`super::verify()`]'s job.

use super::event::Entry;
use super::verify::split_lines;

/// The readable entries of a log, in file order, and the lines that were not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadLog {
    pub entries: Vec<Entry>,
    /// 1-based numbers of the lines that are not a readable entry.
    pub unreadable: Vec<usize>,
}

/// Parse every line of a session log. A last line without its newline is still read if it
/// parses (the verifier reports it as cut).
pub fn entries(bytes: &[u8]) -> ReadLog {
    let mut out = ReadLog::default();
    for (i, line) in split_lines(bytes).enumerate() {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        match serde_json::from_slice::<Entry>(body) {
            Ok(entry) => out.entries.push(entry),
            Err(_) => out.unreadable.push(i + 1),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Event, SessionLog};

    #[test]
    fn reads_what_the_writer_wrote_and_names_unreadable_lines() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = SessionLog::create(dir.path(), "2025-03-01T09:00:00Z").unwrap();
        let note = Event::Note {
            fingerprint: "00112233aabbccdd".into(),
            author: "ana".into(),
            text: "two\nlines".into(),
        };
        log.append("2025-03-01T09:01:00Z", note.clone()).unwrap();
        log.append("2025-03-01T09:02:00Z", Event::SessionEnd {})
            .unwrap();
        let mut bytes = std::fs::read(log.path()).unwrap();
        bytes.extend_from_slice(b"{\"seq\":2,\"kind\":\"from_the_future\"}\nnot json");
        let read = entries(&bytes);
        let events: Vec<&Event> = read.entries.iter().map(|e| &e.event).collect();
        assert_eq!(events, [&note, &Event::SessionEnd {}]);
        assert_eq!(read.entries[1].seq, 1);
        assert_eq!(read.unreadable, [3, 4]);
        assert_eq!(entries(b""), ReadLog::default());
    }
}
