//! Checking a session log's hash chain and naming the first line that breaks it.
//!
//! What can be detected from the file alone: a changed line (the next line records a
//! different hash for it), a removed or reordered line (a `seq` out of sequence, or a
//! `prev` that no longer matches), a cut last line (no newline at its end), text that is
//! not a log entry, and a first line that does not start from [`super::GENESIS`].
//!
//! What cannot: removing the last complete lines (what is left is a valid, shorter
//! chain), and changing the very last line (no line after it records its hash). Both
//! change the head hash, so compare with the head an export recorded:
//! [`verify_against_head`].

use std::path::Path;

use serde::Deserialize;

/// The result of checking a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Lines that verified: all of them when `first_bad` is `None`, otherwise the lines
    /// before the first bad one.
    pub lines: usize,
    /// Hash of the last verified line (the genesis hash when none did).
    pub head: String,
    /// The first line that breaks the chain, if any.
    pub first_bad: Option<BadLine>,
    /// [`verify_against_head`] only: the 1-based line whose hash is the expected head
    /// (0 for the genesis hash, i.e. an export before the first line).
    pub head_line: Option<usize>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// A line that cannot be trusted, and why, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number in the file.
    pub line: usize,
    pub why: String,
}

/// The lines of a log as stored, each with its `\n` (the last one may lack it).
pub fn split_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split_inclusive(|b| *b == b'\n')
}

/// Check the hash chain of a whole log.
pub fn verify(bytes: &[u8]) -> VerifyReport {
    walk(bytes).0
}

/// Read and [`verify`] a file.
pub fn verify_file(path: &Path) -> std::io::Result<VerifyReport> {
    std::fs::read(path).map(|bytes| verify(&bytes))
}

/// [`verify`], then check that `expected_head` (the head hash an export recorded) is the
/// hash of one of the log's lines. Lines written after the export are fine; a missing
/// head means lines at or before the export point were removed, or the last of them
/// changed, or this is another log.
pub fn verify_against_head(bytes: &[u8], expected_head: &str) -> VerifyReport {
    let (mut report, hashes) = walk(bytes);
    if !report.is_ok() {
        return report;
    }
    let want = expected_head.trim().to_ascii_lowercase();
    if want == super::genesis_hash() {
        report.head_line = Some(0);
    } else if let Some(i) = hashes.iter().position(|h| *h == want) {
        report.head_line = Some(i + 1);
    } else {
        report.first_bad = Some(BadLine {
            line: report.lines + 1,
            why: format!(
                "the head hash {want} recorded by the export is not the hash of any of the {} lines: \
                 lines were removed from the end of the log or its last line was changed, \
                 or this is not the log the export came from",
                report.lines
            ),
        });
    }
    report
}

/// The fields the chain is made of; the event itself is not checked here, so a log
/// written by a newer Docket with new event kinds still verifies.
#[derive(Deserialize)]
struct ChainFields {
    seq: u64,
    prev: String,
    #[serde(rename = "at")]
    _at: String,
    #[serde(rename = "kind")]
    _kind: String,
}

/// Where the chain stands after the lines verified so far.
struct Chain {
    expected_seq: u64,
    /// Hash of the last verified line (or the genesis hash).
    head: String,
    /// Hash of the line before it: what the head was before the last verified line,
    /// needed when a later line shows that the last "verified" one was changed.
    before_head: String,
}

/// Verify and also return the hash of every verified line.
fn walk(bytes: &[u8]) -> (VerifyReport, Vec<String>) {
    let lines: Vec<&[u8]> = split_lines(bytes).collect();
    let genesis = super::genesis_hash();
    let mut chain = Chain {
        expected_seq: 0,
        head: genesis.clone(),
        before_head: genesis,
    };
    let mut hashes = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if let Err(bad) = check_line(&lines, i, &chain) {
            // A bad line named before this one un-verifies it.
            let (count, head) = if bad.line == i {
                hashes.pop();
                (i - 1, chain.before_head)
            } else {
                (i, chain.head)
            };
            let report = VerifyReport {
                lines: count,
                head,
                first_bad: Some(bad),
                head_line: None,
            };
            return (report, hashes);
        }
        let hash = super::line_hash(line);
        hashes.push(hash.clone());
        chain.before_head = std::mem::replace(&mut chain.head, hash);
        chain.expected_seq += 1;
    }
    let report = VerifyReport {
        lines: lines.len(),
        head: chain.head,
        first_bad: None,
        head_line: None,
    };
    (report, hashes)
}

/// Check line `lines[i]` (1-based number `i + 1`) against the chain so far. The error
/// may name the line before it (changed content is seen only from its successor).
fn check_line(lines: &[&[u8]], i: usize, chain: &Chain) -> Result<(), BadLine> {
    let n = i + 1;
    let bad = |line: usize, why: String| BadLine { line, why };
    let line = lines[i];
    let Some(body) = line.strip_suffix(b"\n") else {
        return Err(bad(n, format!("line {n} is incomplete: the log was cut")));
    };
    let fields = parse_fields(body).map_err(|why| bad(n, format!("line {n} {why}")))?;
    if fields.seq != chain.expected_seq {
        return Err(bad(
            n,
            seq_problem(lines, i, fields.seq, chain.expected_seq),
        ));
    }
    if fields.prev == chain.head {
        return Ok(());
    }
    let differing = hex_distance(&fields.prev, &chain.head);
    if n == 1 {
        return Err(bad(n, genesis_problem(differing)));
    }
    if differing <= NEAR_MISS {
        // A hash a few characters off is an edit of this line's `prev`, not of the line
        // before: a changed line would have a completely different hash.
        return Err(bad(
            n,
            format!(
                "line {n} was changed: its prev differs from the hash of line {} in {differing} of 64 characters",
                n - 1
            ),
        ));
    }
    Err(bad(
        n - 1,
        format!(
            "line {} was changed (line {n} records a different hash)",
            n - 1
        ),
    ))
}

/// At most this many differing hex digits between a recorded and a computed hash means
/// the recorded one was edited. Two unrelated SHA-256 digests agree in about 4 of 64
/// places, so 56 agreeing places by chance does not happen.
const NEAR_MISS: usize = 8;

/// The chain fields of one line, or what is wrong with it (worded to follow "line N").
fn parse_fields(body: &[u8]) -> Result<ChainFields, String> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("is not JSON ({e}): it was damaged, or text was added to the log"))?;
    if !value.is_object() {
        return Err("is not a JSON object: text was added to the log".to_string());
    }
    serde_json::from_value(value)
        .map_err(|e| format!("is not a session log entry ({e}): it was changed or added"))
}

/// Explain a `seq` that is not the expected one: removed lines before it, reordered
/// lines, or an edit of this line's own `seq`.
fn seq_problem(lines: &[&[u8]], i: usize, seq: u64, expected: u64) -> String {
    let n = i + 1;
    let seq_at = |j: usize| {
        lines
            .get(j)
            .and_then(|l| l.strip_suffix(b"\n"))
            .and_then(|b| parse_fields(b).ok())
            .map(|f| f.seq)
    };
    if seq_at(i + 1) == Some(expected + 1) {
        return format!(
            "line {n} was changed: its seq is {seq} where {expected} was expected, and the next line continues the sequence"
        );
    }
    if let Some(j) = (i + 1..lines.len()).find(|&j| seq_at(j) == Some(expected)) {
        return format!(
            "line {n} is out of order: it has seq {seq} where {expected} was expected, and seq {expected} is at line {}",
            j + 1
        );
    }
    if n == 1 {
        return format!("line 1 has seq {seq}, not 0: the first lines of the log were removed");
    }
    if seq > expected {
        let missing = seq - expected;
        return format!(
            "line {n} has seq {seq} where {expected} was expected: {missing} line(s) were removed before it"
        );
    }
    format!(
        "line {n} has seq {seq} where {expected} was expected: lines were repeated or reordered"
    )
}

fn genesis_problem(differing: usize) -> String {
    if differing <= NEAR_MISS {
        return format!(
            "line 1 was changed: its prev differs from the genesis hash in {differing} of 64 characters"
        );
    }
    format!(
        "line 1 does not start from the genesis hash (SHA-256 of {:?}): this is not a Docket session log, or its start was replaced",
        super::GENESIS
    )
}

/// Positions at which two hashes differ (all of them when the lengths differ).
fn hex_distance(a: &str, b: &str) -> usize {
    if a.len() != b.len() {
        return a.len().max(b.len());
    }
    a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seq: u64, prev: &str) -> Vec<u8> {
        format!(
            r#"{{"seq":{seq},"at":"2025-01-01T00:00:00Z","prev":"{prev}","kind":"session_end"}}"#
        )
        .into_bytes()
        .into_iter()
        .chain([b'\n'])
        .collect()
    }

    fn chain(n: u64) -> Vec<Vec<u8>> {
        let mut prev = crate::session::genesis_hash();
        (0..n)
            .map(|seq| {
                let l = line(seq, &prev);
                prev = crate::session::line_hash(&l);
                l
            })
            .collect()
    }

    #[test]
    fn an_empty_log_verifies_with_the_genesis_head() {
        let r = verify(b"");
        assert!(r.is_ok());
        assert_eq!((r.lines, r.head), (0, crate::session::genesis_hash()));
    }

    #[test]
    fn a_blank_line_or_an_array_is_not_an_entry() {
        let mut bytes = chain(2).concat();
        bytes.extend_from_slice(b"\n");
        let r = verify(&bytes);
        assert_eq!(r.first_bad.unwrap().line, 3);
        let mut bytes = chain(1).concat();
        bytes.extend_from_slice(b"[1,\"a\",\"b\",\"c\"]\n");
        let bad = verify(&bytes).first_bad.unwrap();
        assert_eq!(bad.line, 2);
        assert!(bad.why.contains("not a JSON object"), "{}", bad.why);
    }

    #[test]
    fn a_changed_line_is_named_and_not_counted_as_verified() {
        let mut lines = chain(4);
        lines[1] = String::from_utf8(lines[1].clone())
            .unwrap()
            .replace("session_end", "session_enD")
            .into_bytes();
        let r = verify(&lines.concat());
        let bad = r.first_bad.unwrap();
        assert_eq!(bad.line, 2);
        assert_eq!(
            bad.why,
            "line 2 was changed (line 3 records a different hash)"
        );
        assert_eq!(r.lines, 1);
        assert_eq!(r.head, crate::session::line_hash(&lines[0]));
    }

    #[test]
    fn hex_distance_counts_differing_places() {
        assert_eq!(hex_distance("abcd", "abce"), 1);
        assert_eq!(hex_distance("abcd", "abcd"), 0);
        assert_eq!(hex_distance("ab", "abcd"), 4);
    }
}
