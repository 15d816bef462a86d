//! The detail of one finding, in tabs: what and why (rationale), evidence (redacted, as the
//! snapshot holds it), remediation, and cross-references with framework controls.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::Ctx;
use crate::checks;
use crate::tui::theme::Role;

const TABS: [&str; 4] = ["overview", "evidence", "remediation", "references"];

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx, index: usize) {
    let app = ctx.app;
    let Some(f) = app.data.as_ref().and_then(|d| d.scan.findings.get(index)) else {
        frame.render_widget(Paragraph::new("this finding is gone (rescanned)"), area);
        return;
    };
    let check = checks::find(&f.check_id);
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(area);
    let mut spans = Vec::new();
    for (i, t) in TABS.iter().enumerate() {
        let role = if i == app.detail_tab {
            Role::Selection
        } else {
            Role::Muted
        };
        spans.push(Span::styled(format!(" {t} "), ctx.style(role)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
    let mut lines: Vec<Line> = Vec::new();
    let label = |k: &str| Span::styled(format!("{k:<12}"), ctx.style(Role::Muted));
    match app.detail_tab {
        0 => {
            lines.push(Line::from(vec![
                label("severity"),
                Span::styled(
                    f.severity.as_str().to_string(),
                    ctx.theme.severity(f.severity),
                ),
            ]));
            lines.push(Line::from(vec![
                label("check"),
                Span::raw(format!("{} {}", f.check_id, f.title)),
            ]));
            lines.push(Line::from(vec![
                label("resource"),
                Span::raw(f.resource.display()),
            ]));
            if let Some(h) = &f.resource.host {
                lines.push(Line::from(vec![label("host"), Span::raw(h.clone())]));
            }
            lines.push(Line::from(vec![
                label("fingerprint"),
                Span::raw(f.fingerprint.clone()),
            ]));
            triage_lines(&mut lines, ctx, f);
            lines.push(Line::raw(""));
            lines.push(Line::styled(f.message.clone(), ctx.style(Role::Text)));
            if let Some(c) = check {
                lines.push(Line::raw(""));
                lines.push(Line::styled("why it matters", ctx.style(Role::Title)));
                lines.push(Line::raw(c.rationale));
            }
        }
        1 => {
            if f.evidence.is_empty() {
                lines.push(Line::styled("no evidence recorded", ctx.style(Role::Muted)));
            }
            for e in &f.evidence {
                lines.push(Line::styled(e.path.clone(), ctx.style(Role::Accent)));
                lines.push(Line::raw(format!("  {}", e.observed)));
            }
        }
        2 => {
            // The concrete plan for this object (patch for the owning controller, docker
            // run flags, or exact steps), then the check's general advice.
            let data = app.data.as_ref();
            if let Some(d) = data {
                let plan = crate::remediate::plan(f, &d.snapshot);
                lines.push(Line::styled(
                    "plan (read-only: nothing is applied)",
                    ctx.style(Role::Title),
                ));
                for l in crate::remediate::render(&plan).lines() {
                    let role = if l.trim_start().starts_with('+') {
                        Role::Ok
                    } else if l.trim_start().starts_with('-') {
                        Role::Error
                    } else {
                        Role::Text
                    };
                    lines.push(Line::styled(l.to_string(), ctx.style(role)));
                }
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled("general advice", ctx.style(Role::Title)));
            match check {
                Some(c) => lines.push(Line::raw(c.remediation)),
                None => lines.push(Line::raw("no remediation text for this check")),
            }
        }
        _ => {
            if let Some(c) = check {
                lines.push(Line::styled("references", ctx.style(Role::Title)));
                for r in c.refs {
                    lines.push(Line::raw(format!("  {r}")));
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled("framework controls", ctx.style(Role::Title)));
                for ctl in c.controls {
                    lines.push(Line::raw(format!(
                        "  {:<14} {:<12} {}",
                        ctl.framework.name(),
                        ctl.id,
                        ctl.title
                    )));
                }
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(ctx.block(format!(" {} · {} ", f.check_id, f.resource.display())))
            .wrap(Wrap { trim: false })
            .scroll((app.scroll, 0)),
        body,
    );
}

/// State, owner, suppression, notes and history of a finding.
fn triage_lines(lines: &mut Vec<Line>, ctx: &Ctx, f: &crate::findings::Finding) {
    let app = ctx.app;
    let label = |k: &str| Span::styled(format!("{k:<12}"), ctx.style(Role::Muted));
    let record = app.triage.get(&f.fingerprint);
    let state = app.triage.state_of(&f.fingerprint);
    let mut state_text = state.label().to_string();
    if let crate::findings::triage::TriageState::RiskAccepted { expires, .. } = state {
        state_text.push_str(&format!(" until {expires}"));
    }
    if let Some(at) = record.and_then(|r| r.reopened.as_deref()) {
        state_text.push_str(&format!(" (reopened {at}: a fix did not hold)"));
    }
    lines.push(Line::from(vec![
        label("state"),
        Span::styled(state_text, ctx.style(Role::Accent)),
    ]));
    if let Some(reason) = state.reason() {
        lines.push(Line::from(vec![
            label("reason"),
            Span::raw(reason.to_string()),
        ]));
    }
    if let Some(owner) = record.and_then(|r| r.owner.as_deref()) {
        lines.push(Line::from(vec![
            label("owner"),
            Span::raw(owner.to_string()),
        ]));
    }
    if let Some(id) = app.evaluation.rule_for(&f.fingerprint) {
        let reason = app
            .rules
            .get(id)
            .map(|r| r.reason.clone())
            .unwrap_or_default();
        lines.push(Line::from(vec![
            label("suppressed"),
            Span::styled(format!("by {id}: {reason}"), ctx.style(Role::Warn)),
        ]));
    }
    let Some(record) = record else { return };
    for n in &record.notes {
        lines.push(Line::from(vec![
            label("note"),
            Span::styled(format!("{} {}", n.at, n.author), ctx.style(Role::Muted)),
        ]));
        for l in n.text.lines() {
            lines.push(Line::raw(format!("            {l}")));
        }
    }
    for t in record.history.iter().rev().take(5) {
        lines.push(Line::from(vec![
            label("history"),
            Span::styled(
                format!("{} {}: {} -> {}", t.at, t.by, t.from.label(), t.to.label()),
                ctx.style(Role::Muted),
            ),
        ]));
    }
}
