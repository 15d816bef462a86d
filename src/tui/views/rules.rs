//! The suppression rules (`5`, `:rules`): each rule's status (active, expired, unused),
//! how many findings of this scan it matches and hides, its checks, scope and reason;
//! the selected rule in full below. Enter lists its matches; e edits; d deletes.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::Ctx;
use crate::findings::suppress::SuppressionRule;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let rules = &app.rules.rules;
    let origin = app
        .rules_path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let title = format!(" suppression rules ({}) · {origin} ", rules.len());
    if rules.is_empty() {
        let text = vec![
            Line::styled("No suppression rules.", ctx.style(Role::Text)),
            Line::styled(
                "Press s on a finding to write one (narrow scope, reason and expiry), or \
                 `docket suppress import .trivyignore`.",
                ctx.style(Role::Muted),
            ),
        ];
        frame.render_widget(
            Paragraph::new(text)
                .block(ctx.block(title))
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let [list, detail] = Layout::vertical([Constraint::Min(4), Constraint::Length(9)]).areas(area);
    let now = (app.clock)();
    let header = Row::new([
        "STATUS", "MATCHES", "HIDES", "ID", "CHECKS", "EXPIRES", "REASON",
    ])
    .style(ctx.style(Role::Header));
    // Only the rows that fit are built.
    let height = list.height.saturating_sub(3) as usize;
    let first = app.list_selected.saturating_sub(height.saturating_sub(1));
    let rows: Vec<Row> = rules
        .iter()
        .enumerate()
        .skip(first)
        .take(height.max(1))
        .map(|(i, r)| {
            let (status, role) = status(app, r, now);
            let matches = app.evaluation.matches.get(&r.id).map_or(0, Vec::len);
            let hides = app.rule_hides.get(&r.id).copied().unwrap_or(0);
            let mut style = ctx.style(role);
            if i == app.list_selected {
                style = style.patch(ctx.style(Role::Selection));
            }
            Row::new(vec![
                status.to_string(),
                matches.to_string(),
                hides.to_string(),
                r.id.clone(),
                r.checks.join(","),
                r.expires
                    .map(|e| e.date().to_string())
                    .unwrap_or_else(|| "never".into()),
                r.reason.lines().next().unwrap_or_default().to_string(),
            ])
            .style(style)
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Length(14),
            Constraint::Length(16),
            Constraint::Length(11),
            Constraint::Min(20),
        ],
    )
    .header(header)
    .block(ctx.block(title));
    frame.render_widget(table, list);

    if let Some(r) = rules.get(app.list_selected) {
        let text = crate::findings::suppress::RuleSet {
            rules: vec![r.clone()],
        }
        .to_toml()
        .unwrap_or_default();
        let mut lines: Vec<Line> = text
            .lines()
            .map(|l| Line::styled(l.to_string(), ctx.style(Role::Text)))
            .collect();
        lines.insert(
            0,
            Line::from(vec![
                Span::styled("enter", ctx.style(Role::Accent)),
                Span::styled(" its findings · ", ctx.style(Role::Muted)),
                Span::styled("e", ctx.style(Role::Accent)),
                Span::styled(" edit · ", ctx.style(Role::Muted)),
                Span::styled("d", ctx.style(Role::Accent)),
                Span::styled(" delete", ctx.style(Role::Muted)),
            ]),
        );
        frame.render_widget(
            Paragraph::new(lines)
                .block(ctx.block(format!(" rule {} ", r.id)))
                .wrap(Wrap { trim: false }),
            detail,
        );
    }
}

fn status(
    app: &crate::tui::app::App,
    r: &SuppressionRule,
    now: time::OffsetDateTime,
) -> (&'static str, Role) {
    if r.is_expired(now) {
        ("expired", Role::Warn)
    } else if app.evaluation.unused.contains(&r.id) {
        ("unused", Role::Muted)
    } else {
        ("active", Role::Ok)
    }
}
