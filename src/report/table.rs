//! Plain text for a terminal: no colour codes, columns fitted to a width and truncated with
//! an ellipsis. Summary first, then the findings in the order given, then the suppressed
//! ones (when rules were applied), then what was not evaluated. Control characters from data (ANSI escapes included) are replaced, so a
//! container name cannot drive the terminal.

use super::{evidence_line, plural, source_kind, Report};

/// Width used by [`render`]; the CLI may pass the terminal's with [`render_width`].
pub const DEFAULT_WIDTH: usize = 120;
const MIN_WIDTH: usize = 60;

pub fn render(report: &Report) -> String {
    render_width(report, DEFAULT_WIDTH)
}

pub fn render_width(report: &Report, width: usize) -> String {
    let width = width.max(MIN_WIDTH);
    let mut out = String::new();

    put(&mut out, width, &report.summary_line());
    put(
        &mut out,
        width,
        &format!(
            "{} {} scan report, generated {}",
            report.tool_name, report.tool_version, report.generated_at
        ),
    );
    for s in report.sources {
        let detail = if s.detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.detail)
        };
        put(
            &mut out,
            width,
            &format!("source: {} {}{}", source_kind(&s.kind), s.location, detail),
        );
    }
    put(&mut out, width, &report.caveat());
    put(&mut out, width, "");

    // Findings.
    let id_w = report
        .findings
        .iter()
        .map(|f| clean(&f.finding.check_id).chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 12);
    let sev_w = 8;
    let rest = width.saturating_sub(sev_w + id_w + 6);
    let res_w = (rest * 2 / 5).max(12);
    let msg_w = rest.saturating_sub(res_w).max(12);
    if report.findings.is_empty() {
        put(&mut out, width, "No findings in the checks that ran.");
    } else {
        row(
            &mut out,
            width,
            &format!(
                "{}  {}  {}  {}",
                pad("SEVERITY", sev_w),
                pad("CHECK", id_w),
                pad("RESOURCE", res_w),
                "MESSAGE"
            ),
        );
        for f in &report.findings {
            let fi = f.finding;
            row(
                &mut out,
                width,
                &format!(
                    "{}  {}  {}  {}",
                    pad(fi.severity.as_str(), sev_w),
                    pad(&fi.check_id, id_w),
                    pad(&fi.resource.display(), res_w),
                    truncate(&clean(&fi.message), msg_w)
                ),
            );
        }
        let with_evidence = report
            .findings
            .iter()
            .filter(|f| !f.finding.evidence.is_empty())
            .count();
        if with_evidence > 0 {
            put(&mut out, width, "");
            put(&mut out, width, "Evidence:");
            for f in &report.findings {
                if f.finding.evidence.is_empty() {
                    continue;
                }
                put(
                    &mut out,
                    width,
                    &format!(
                        "  {} {}: {}",
                        f.finding.check_id,
                        f.finding.resource.display(),
                        evidence_line(f.finding)
                    ),
                );
            }
        }
    }

    suppressed(&mut out, width, report);

    // What was not evaluated.
    put(&mut out, width, "");
    put(
        &mut out,
        width,
        "Not evaluated (these checks did NOT pass; they could not run):",
    );
    let mut any = false;
    for c in report.not_evaluated() {
        any = true;
        put(
            &mut out,
            width,
            &format!("  {}  {}: {}", c.id, c.title(), c.reasons().join("; ")),
        );
    }
    if !any {
        put(&mut out, width, "  (none)");
    }
    let partial: Vec<_> = report.partial().collect();
    if !partial.is_empty() {
        put(
            &mut out,
            width,
            "Partially evaluated (ran on incomplete data; findings may be missing):",
        );
        for c in partial {
            put(
                &mut out,
                width,
                &format!("  {}  {}: {}", c.id, c.title(), c.reasons().join("; ")),
            );
        }
    }
    let na: Vec<_> = report.not_applicable().collect();
    if !na.is_empty() {
        put(
            &mut out,
            width,
            &format!(
                "Not applicable: {} check{} of a platform this scan had no source for.",
                na.len(),
                plural(na.len())
            ),
        );
    }
    if report.totals.checks.disabled > 0 {
        put(
            &mut out,
            width,
            &format!(
                "Disabled by selection: {} check{}.",
                report.totals.checks.disabled,
                plural(report.totals.checks.disabled)
            ),
        );
    }
    put(&mut out, width, "");
    put(
        &mut out,
        width,
        "Coverage gaps (data that could not be read):",
    );
    if report.coverage_gaps.is_empty() {
        put(&mut out, width, "  (none)");
    }
    for g in &report.coverage_gaps {
        let scope = if g.scope.is_empty() {
            String::new()
        } else {
            format!(" [{}]", g.scope)
        };
        put(
            &mut out,
            width,
            &format!("  {}{}: {}", g.kind.label(), scope, g.reason),
        );
    }
    put(&mut out, width, "");
    put(
        &mut out,
        width,
        &format!(
            "Manual checks ({} item{} need host access; never reported as passed):",
            report.manual.len(),
            plural(report.manual.len())
        ),
    );
    for m in report.manual {
        put(&mut out, width, &format!("  {}  {}", m.reference, m.title));
    }
    out
}

/// The rules applied, with counts, then each suppressed finding and its rule.
fn suppressed(out: &mut String, width: usize, report: &Report) {
    let Some(s) = &report.suppressions else {
        return;
    };
    put(out, width, "");
    put(
        out,
        width,
        &format!("Suppressed (not counted above): {}:", s.line()),
    );
    for u in &s.rules {
        put(
            out,
            width,
            &format!(
                "  {} [{}] {} suppressed, {} matched, expires {}: {}",
                u.rule.id,
                u.status.label(),
                u.suppressed,
                u.matched,
                super::suppressed::expires_text(u.rule),
                u.rule.reason
            ),
        );
    }
    for sf in &s.findings {
        let f = sf.finding.finding;
        row(
            out,
            width,
            &format!(
                "  {}  {}  {}  by {}",
                pad(f.severity.as_str(), 8),
                pad(&f.check_id, 8),
                f.resource.display(),
                sf.rule.id
            ),
        );
    }
}

/// Replace control characters (including ESC) so data cannot emit terminal sequences.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect()
}

/// Clean and cut to `width` characters, ending with an ellipsis when cut.
fn truncate(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut t: String = s.chars().take(width - 1).collect();
    t.push('…');
    t
}

fn pad(s: &str, width: usize) -> String {
    let t = truncate(&clean(s), width);
    let n = t.chars().count();
    format!("{t}{}", " ".repeat(width.saturating_sub(n)))
}

/// A table row: cleaned, trailing spaces trimmed, cut to the width.
fn row(out: &mut String, width: usize, s: &str) {
    out.push_str(&truncate(clean(s).trim_end(), width));
    out.push('\n');
}

/// Prose: cleaned and word-wrapped to the width (nothing is lost); continuation lines are
/// indented past the line's own indentation.
fn put(out: &mut String, width: usize, s: &str) {
    let s = clean(s);
    let s = s.trim_end();
    let lead = s.len() - s.trim_start().len();
    let indent = " ".repeat((lead + 4).min(width / 2));
    let mut cur = s[..lead].to_string();
    let mut cur_len = lead;
    let mut first_word = true;
    for word in s[lead..].split(' ').filter(|w| !w.is_empty()) {
        let mut word: String = word.to_string();
        loop {
            let wlen = word.chars().count();
            let sep = usize::from(!first_word);
            if cur_len + sep + wlen <= width {
                if !first_word {
                    cur.push(' ');
                }
                cur.push_str(&word);
                cur_len += sep + wlen;
                first_word = false;
                break;
            }
            if !first_word {
                out.push_str(&cur);
                out.push('\n');
                cur = indent.clone();
                cur_len = indent.len();
                first_word = true;
                continue;
            }
            // A word longer than the line: hard-split it.
            let room = width.saturating_sub(cur_len).max(1);
            let head: String = word.chars().take(room).collect();
            let tail: String = word.chars().skip(room).collect();
            cur.push_str(&head);
            out.push_str(&cur);
            out.push('\n');
            cur = indent.clone();
            cur_len = indent.len();
            word = tail;
            if word.is_empty() {
                break;
            }
        }
    }
    out.push_str(cur.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Report};
    use super::*;

    #[test]
    fn summary_first_then_findings_then_not_evaluated() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let out = render(&r);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(&format!("{} findings", scan.findings.len())));
        let findings_at = out.find("SEVERITY").expect("findings header");
        let not_eval_at = out.find("Not evaluated (").expect("not evaluated section");
        assert!(findings_at < not_eval_at);
        assert!(out.contains(fixture::NOT_EVALUATED_ID));
        assert!(out.contains("Coverage gaps"));
        assert!(out.contains("Manual checks"));
        // Order as given: critical first.
        let first_row = lines
            .iter()
            .find(|l| l.starts_with("critical") || l.starts_with("high"))
            .expect("a finding row");
        assert!(first_row.starts_with("critical"));
    }

    #[test]
    fn lines_fit_the_width_and_are_ellipsised() {
        let (snap, scan) = fixture::sample();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let out = render_width(&r, 70);
        for l in out.lines() {
            assert!(l.chars().count() <= 70, "too wide: {l:?}");
        }
        assert!(out.contains('…'), "table cells are cut with an ellipsis");
        // Prose wraps instead: the end of the summary line is still there.
        assert!(out.contains("manual items"));
        let mut wrapped = String::new();
        put(&mut wrapped, 60, &format!("  {} tail", "x".repeat(130)));
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(lines.len(), 3, "{wrapped}");
        assert!(lines.iter().all(|l| l.chars().count() <= 60));
        assert!(lines[1].starts_with("      x"));
        assert!(lines[2].ends_with(" tail"));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let (snap, mut scan) = fixture::sample();
        scan.findings[0].message = "evil \u{1b}[2J\u{1b}]0;title\u{7} name".into();
        let r = Report::new(&snap, &scan, fixture::NOW);
        let out = render(&r);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'));
        assert!(out.contains("evil ?[2J?]0;title? name"));
    }

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("héllo", 5), "héllo");
        assert_eq!(truncate("héllo wörld", 6), "héllo…");
        assert_eq!(pad("ab", 4), "ab  ");
    }
}
