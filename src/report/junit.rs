//! JUnit XML for CI test views: one `<testsuite>` per check family, one `<testcase>` per
//! check (`classname` = family, `name` = "ID title"). A check with findings has a
//! `<failure>` listing them; not evaluated, not applicable and disabled checks are
//! `<skipped>` with the reason; a check that ran on partial data says so in `<system-out>`.
//! Two more suites list the coverage gaps and the manual benchmark items as skipped cases,
//! so CI shows them instead of a green run. Findings hidden by a suppression rule are not
//! failures: a "Suppressed findings" suite lists each as a skipped case naming the rule,
//! its reason and expiry. Everything from data is XML-escaped.

use std::fmt::Write as _;

use super::{family_key, outcome_reasons, CheckRow, Report};
use crate::checks::{Family, Outcome};

struct Case {
    classname: String,
    name: String,
    /// `<failure>` or `<skipped>` or `<system-out>` element, already escaped.
    body: String,
    failed: bool,
    skipped: bool,
}

struct Suite {
    name: String,
    cases: Vec<Case>,
}

pub fn render(report: &Report) -> String {
    let mut suites: Vec<Suite> = Vec::new();
    let families: Vec<Option<Family>> = Family::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None))
        .collect();
    for fam in families {
        let cases: Vec<Case> = report
            .checks
            .iter()
            .filter(|c| c.family() == fam)
            .map(|c| check_case(report, c))
            .collect();
        if cases.is_empty() {
            continue;
        }
        suites.push(Suite {
            name: fam
                .map_or("Checks not in this catalog", |f| f.label())
                .to_string(),
            cases,
        });
    }
    if !report.coverage_gaps.is_empty() {
        suites.push(Suite {
            name: "Coverage gaps".into(),
            cases: report
                .coverage_gaps
                .iter()
                .map(|g| {
                    let scope = if g.scope.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", g.scope)
                    };
                    Case {
                        classname: "coverage".into(),
                        name: format!("{}{}", g.kind.label(), scope),
                        body: format!(
                            "<skipped message=\"{}\"/>",
                            xml(&format!("could not be read: {}", g.reason))
                        ),
                        failed: false,
                        skipped: true,
                    }
                })
                .collect(),
        });
    }
    if !report.suppressed().is_empty() {
        suites.push(Suite {
            name: "Suppressed findings".into(),
            cases: report
                .suppressed()
                .iter()
                .map(|s| Case {
                    classname: "suppressed".into(),
                    name: format!(
                        "{} {} ({})",
                        s.finding.finding.check_id,
                        s.finding.finding.resource.display(),
                        s.finding.finding.fingerprint
                    ),
                    body: format!(
                        "<skipped message=\"{}\"/>",
                        xml(&super::suppressed::rule_note(s.rule))
                    ),
                    failed: false,
                    skipped: true,
                })
                .collect(),
        });
    }
    if !report.manual.is_empty() {
        suites.push(Suite {
            name: "Manual checks (host access needed)".into(),
            cases: report
                .manual
                .iter()
                .map(|m| Case {
                    classname: "manual".into(),
                    name: format!("{} {}", m.reference, m.title),
                    body: format!(
                        "<skipped message=\"{}\"/>",
                        xml(&format!("manual: {}", m.evidence))
                    ),
                    failed: false,
                    skipped: true,
                })
                .collect(),
        });
    }

    let count = |s: &Suite, f: fn(&Case) -> bool| s.cases.iter().filter(|c| f(c)).count();
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(|s| count(s, |c| c.failed)).sum();
    let skipped: usize = suites.iter().map(|s| count(s, |c| c.skipped)).sum();

    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"{} {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" timestamp=\"{}\">",
        xml(report.tool_name),
        xml(report.tool_version),
        xml(&report.generated_at)
    );
    let _ = writeln!(o, "  <!-- {} -->", comment(&report.caveat()));
    for s in &suites {
        let _ = writeln!(
            o,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            xml(&s.name),
            s.cases.len(),
            count(s, |c| c.failed),
            count(s, |c| c.skipped)
        );
        for c in &s.cases {
            if c.body.is_empty() {
                let _ = writeln!(
                    o,
                    "    <testcase classname=\"{}\" name=\"{}\"/>",
                    xml(&c.classname),
                    xml(&c.name)
                );
            } else {
                let _ = writeln!(
                    o,
                    "    <testcase classname=\"{}\" name=\"{}\">\n      {}\n    </testcase>",
                    xml(&c.classname),
                    xml(&c.name),
                    c.body
                );
            }
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}

fn check_case(report: &Report, row: &CheckRow) -> Case {
    let classname = row.family().map_or("unknown", family_key).to_string();
    let name = format!("{} {}", row.id, row.title());
    let reasons = outcome_reasons(row.outcome).join("; ");
    let skip = |what: &str| Case {
        classname: classname.clone(),
        name: name.clone(),
        body: format!(
            "<skipped message=\"{}\"/>",
            xml(&if reasons.is_empty() {
                what.to_string()
            } else {
                format!("{what}: {reasons}")
            })
        ),
        failed: false,
        skipped: true,
    };
    match row.outcome {
        Outcome::NotEvaluated(_) => return skip("not evaluated (not a pass)"),
        Outcome::NotApplicable(_) => return skip("not applicable"),
        Outcome::Disabled => return skip("disabled by selection"),
        Outcome::Evaluated | Outcome::Partial(_) => {}
    }
    let partial_note = match row.outcome {
        Outcome::Partial(_) => format!(
            "<system-out>{}</system-out>",
            xml(&format!(
                "ran on partial data, findings may be missing: {reasons}"
            ))
        ),
        _ => String::new(),
    };
    if row.findings == 0 {
        return Case {
            classname,
            name,
            body: partial_note,
            failed: false,
            skipped: false,
        };
    }
    let mut text = String::new();
    let worst = report
        .findings_of(row.id)
        .map(|f| f.finding.severity)
        .max()
        .unwrap_or_else(|| row.severity());
    for rf in report.findings_of(row.id) {
        let f = rf.finding;
        let _ = writeln!(
            text,
            "[{}] {}: {} ({})",
            f.severity,
            f.resource.display(),
            f.message,
            f.fingerprint
        );
        for e in &f.evidence {
            let _ = writeln!(text, "    {} = {}", e.path, e.observed);
        }
    }
    if let Some(c) = row.check {
        let _ = writeln!(text, "Remediation: {}", c.remediation);
    }
    let body = format!(
        "<failure message=\"{}\" type=\"{}\">{}</failure>{}",
        xml(&format!(
            "{} finding{}",
            row.findings,
            super::plural(row.findings)
        )),
        worst,
        xml_text(&text),
        partial_note
    );
    Case {
        classname,
        name,
        body,
        failed: true,
        skipped: false,
    }
}

/// Escape for XML text and attribute values; characters XML 1.0 forbids (most control
/// characters) become U+FFFD. Line breaks and tabs in attributes are kept as references.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{fffd}'),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escape for XML element content, keeping line breaks and tabs readable.
fn xml_text(s: &str) -> String {
    // `&#..;` only comes from [`xml`]'s own replacements: data's `&` is `&amp;` by then.
    xml(s)
        .replace("&#10;", "\n")
        .replace("&#9;", "\t")
        .replace("&#13;", "")
}

/// Text for an XML comment: no `--`, no control characters.
fn comment(s: &str) -> String {
    xml(s).replace("--", "- -")
}

#[cfg(test)]
mod tests {
    use super::super::{fixture, Report};
    use super::*;

    fn sample() -> String {
        let (snap, scan) = fixture::sample();
        render(&Report::new(&snap, &scan, fixture::NOW))
    }

    fn attr<'s>(tag: &'s str, name: &str) -> Option<&'s str> {
        let key = format!(" {name}=\"");
        let start = tag.find(&key)? + key.len();
        let end = tag[start..].find('"')? + start;
        Some(&tag[start..end])
    }

    #[test]
    fn suites_cases_and_counts() {
        let out = sample();
        let root = out
            .lines()
            .find(|l| l.starts_with("<testsuites"))
            .expect("root");
        let cases = out.matches("<testcase ").count();
        let failures = out.matches("<failure ").count();
        let skipped = out.matches("<skipped ").count();
        assert_eq!(attr(root, "tests"), Some(cases.to_string().as_str()));
        assert_eq!(attr(root, "failures"), Some(failures.to_string().as_str()));
        assert_eq!(attr(root, "skipped"), Some(skipped.to_string().as_str()));
        // DC-001 fails, the unknown check fails, the partial check (with a finding) fails.
        assert_eq!(failures, 3);
        // Per suite counts add up to the root's.
        let suite_tests: usize = out
            .lines()
            .filter(|l| l.trim_start().starts_with("<testsuite "))
            .filter_map(|l| attr(l, "tests")?.parse::<usize>().ok())
            .sum();
        assert_eq!(suite_tests, cases);
        assert!(out
            .contains("classname=\"docker_container\" name=\"DC-001 Container runs privileged\""));
        assert!(out.contains("<failure message=\"3 findings\" type=\"critical\">"));
        assert!(out.contains("<testsuite name=\"Coverage gaps\""));
        assert!(out.contains("<testsuite name=\"Manual checks (host access needed)\""));
    }

    #[test]
    fn not_evaluated_disabled_and_not_applicable_are_skipped_with_reasons() {
        let out = sample();
        let case = |id: &str| {
            let start = out.find(&format!("name=\"{id} ")).expect("case");
            let end = out[start..]
                .find("</testcase>")
                .map_or(out.len(), |e| start + e);
            out[start..end].to_string()
        };
        assert!(case(fixture::NOT_EVALUATED_ID)
            .contains("<skipped message=\"not evaluated (not a pass): Kubernetes RBAC"));
        assert!(case("DC-003").contains("<skipped message=\"disabled by selection\""));
        assert!(case("DH-901").contains("<skipped message=\"not applicable: no Docker host"));
        assert!(case(fixture::PARTIAL_ID).contains("<system-out>ran on partial data"));
    }

    #[test]
    fn xml_escapes_everything() {
        let out = sample();
        assert!(!out.contains("<script"));
        assert!(!out.contains("<b>"));
        assert!(out.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert_eq!(
            xml("a<b>&\"'\u{0}\n"),
            "a&lt;b&gt;&amp;&quot;&apos;\u{fffd}&#10;"
        );
        assert_eq!(comment("a--b"), "a- -b");
    }
}
