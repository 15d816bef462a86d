//! `docket log verify FILE` and `docket log show FILE`: check and read a session log.
//!
//! Exit codes follow the rest of Docket: 0 the log verifies, 1 it does not (tampering is
//! a finding about the log, not a usage error), 2 the file cannot be read.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::UserError;
use crate::session::event::one_line;
use crate::session::{self, Entry, VerifyReport};

#[derive(Debug, Subcommand)]
pub enum LogCmd {
    /// Check a session log's hash chain; name the first changed, removed, reordered or cut line.
    Verify {
        /// The session log (`sessions/*.jsonl` in the data dir or workspace).
        file: PathBuf,
        /// The head hash an export recorded: also detects lines removed from the end.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Print a session log, one event per line; a tampered log is still shown, with a warning.
    Show {
        /// The session log.
        file: PathBuf,
        /// Print the stored JSON lines instead of a readable summary.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: &LogCmd) -> Result<u8, UserError> {
    match cmd {
        LogCmd::Verify { file, head } => {
            let bytes = read(file)?;
            let report = match head {
                Some(h) => session::verify_against_head(&bytes, h),
                None => session::verify(&bytes),
            };
            let (text, code) = verify_message(file, &report);
            print(text.as_bytes());
            Ok(code)
        }
        LogCmd::Show { file, json } => {
            let bytes = read(file)?;
            let report = session::verify(&bytes);
            let warning = report
                .first_bad
                .as_ref()
                .map(|bad| (bad.line, warning_line(file, bad)));
            let text = if *json {
                if let Some((_, w)) = &warning {
                    // Standard output stays valid JSON Lines for `jq`.
                    eprint!("{w}");
                }
                show_json(&bytes)
            } else {
                show_readable(&bytes, warning.as_ref())
            };
            print(&text);
            Ok(u8::from(!report.is_ok()))
        }
    }
}

fn read(file: &Path) -> Result<Vec<u8>, UserError> {
    std::fs::read(file).map_err(|e| {
        UserError::usage(format!(
            "cannot read the session log {}: {e}. Session logs are in the sessions/ folder of the data dir (`docket config path`) or of the --workspace.",
            file.display()
        ))
    })
}

/// A closed pipe (`docket log show FILE | head`) is not an error worth a message.
fn print(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// `ok: N lines, head H` (exit 0) or `FILE:LINE: why` (exit 1).
fn verify_message(file: &Path, report: &VerifyReport) -> (String, u8) {
    match &report.first_bad {
        Some(bad) => (format!("{}:{}: {}\n", file.display(), bad.line, bad.why), 1),
        None => {
            let mut text = format!("ok: {} lines, head {}", report.lines, report.head);
            match report.head_line {
                Some(0) => text.push_str("; the expected head is the start of the log"),
                Some(n) => text.push_str(&format!("; the expected head is line {n}")),
                None => {}
            }
            text.push('\n');
            (text, 0)
        }
    }
}

fn warning_line(file: &Path, bad: &session::BadLine) -> String {
    format!(
        "warning: {}:{}: {}; this line and the ones after it cannot be trusted\n",
        file.display(),
        bad.line,
        bad.why
    )
}

/// The stored lines as they are, each ending in a newline.
fn show_json(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    for line in session::verify::split_lines(bytes) {
        out.extend_from_slice(line);
        if !line.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

/// `AT  KIND  SUMMARY` per line, with the warning (if any) just before the first bad line.
fn show_readable(bytes: &[u8], warning: Option<&(usize, String)>) -> Vec<u8> {
    let mut out = String::new();
    let mut count = 0;
    for (i, line) in session::verify::split_lines(bytes).enumerate() {
        count = i + 1;
        if let Some((_, w)) = warning.filter(|(n, _)| *n == count) {
            out.push_str(w);
        }
        out.push_str(&readable_line(count, line));
        out.push('\n');
    }
    // A bad line past the end (an expected head that is missing) still gets its warning.
    if let Some((_, w)) = warning.filter(|(n, _)| *n > count) {
        out.push_str(w);
    }
    out.into_bytes()
}

fn readable_line(number: usize, line: &[u8]) -> String {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    match serde_json::from_slice::<Entry>(body) {
        Ok(entry) => format!(
            "{}  {:<13} {}",
            one_line(&entry.at),
            entry.event.kind(),
            entry.event.summary()
        ),
        Err(_) => {
            let raw = String::from_utf8_lossy(body);
            let shown: String = raw.chars().take(160).collect();
            format!("line {number}: not a readable event: {}", one_line(&shown))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Event, SessionLog};

    fn sample_log(dir: &Path) -> Vec<u8> {
        let mut log = SessionLog::create(dir, "2025-03-01T09:00:00Z").unwrap();
        log.append(
            "2025-03-01T09:00:00Z",
            Event::SessionStart {
                operator: "ana".into(),
                host: "laptop".into(),
                docket_version: "0.1.0".into(),
                sources: vec!["demo".into()],
                contexts: vec![],
                read_only: true,
            },
        )
        .unwrap();
        log.append(
            "2025-03-01T09:01:00Z",
            Event::Note {
                fingerprint: "00112233aabbccdd".into(),
                author: "ana".into(),
                text: "two\nlines".into(),
            },
        )
        .unwrap();
        log.append("2025-03-01T09:02:00Z", Event::SessionEnd {})
            .unwrap();
        std::fs::read(log.path()).unwrap()
    }

    #[test]
    fn verify_message_says_ok_with_the_head_or_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = sample_log(dir.path());
        let file = Path::new("s.jsonl");
        let report = session::verify(&bytes);
        let (text, code) = verify_message(file, &report);
        assert_eq!(code, 0);
        assert_eq!(text, format!("ok: 3 lines, head {}\n", report.head));
        let cut = &bytes[..bytes.len() - 5];
        let (text, code) = verify_message(file, &session::verify(cut));
        assert_eq!(code, 1);
        assert_eq!(text, "s.jsonl:3: line 3 is incomplete: the log was cut\n");
    }

    #[test]
    fn verify_against_a_head_names_the_line_it_is_at() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = sample_log(dir.path());
        let first = session::line_hash(session::verify::split_lines(&bytes).next().unwrap());
        let report = session::verify_against_head(&bytes, &first.to_uppercase());
        let (text, code) = verify_message(Path::new("s"), &report);
        assert_eq!(code, 0);
        assert!(text.ends_with("; the expected head is line 1\n"), "{text}");
        let report = session::verify_against_head(&bytes, &"0".repeat(64));
        let (text, code) = verify_message(Path::new("s"), &report);
        assert_eq!(code, 1);
        assert!(text.starts_with("s:4: the head hash 000"), "{text}");
    }

    #[test]
    fn show_prints_one_line_per_event_and_warns_at_the_first_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = sample_log(dir.path());
        let text = String::from_utf8(show_readable(&bytes, None)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "2025-03-01T09:00:00Z  session_start ana on laptop, docket 0.1.0, sources [demo], contexts [], read-only",
                "2025-03-01T09:01:00Z  note          00112233aabbccdd ana: two\\nlines",
                "2025-03-01T09:02:00Z  session_end   session ended",
            ]
        );
        let tampered = String::from_utf8(bytes)
            .unwrap()
            .replace("laptop", "lapt0p")
            + "garbage \u{1b}[2J";
        let report = session::verify(tampered.as_bytes());
        let bad = report.first_bad.unwrap();
        let warning = (bad.line, warning_line(Path::new("s"), &bad));
        let text = String::from_utf8(show_readable(tampered.as_bytes(), Some(&warning))).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert_eq!(
            lines[0],
            "warning: s:1: line 1 was changed (line 2 records a different hash); this line and the ones after it cannot be trusted"
        );
        assert!(lines[1].contains("lapt0p"), "{text}");
        assert_eq!(lines[4], "line 4: not a readable event: garbage \\u{1b}[2J");
    }

    #[test]
    fn show_json_prints_the_stored_lines() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = sample_log(dir.path());
        assert_eq!(show_json(&bytes), bytes);
        assert_eq!(show_json(b"{\"a\":1}"), b"{\"a\":1}\n");
    }
}
