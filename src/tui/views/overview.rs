//! The dashboard: findings by severity, posture per framework, top failing checks,
//! coverage gaps (what could not be read and why), sources and scan progress.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Gauge, Paragraph, Wrap};
use ratatui::Frame;

use super::Ctx;
use crate::checks::Severity;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let (Some(data), Some(totals)) = (&app.data, &app.totals) else {
        draw_loading(frame, area, ctx);
        return;
    };
    let [top, bottom] = Layout::vertical([Constraint::Length(12), Constraint::Min(4)]).areas(area);
    let [sev, fw] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    let [checks, gaps_area] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(bottom);

    let bars: Vec<Bar> = totals
        .by_severity
        .iter()
        .filter(|(s, _)| *s != Severity::Info || totals.severity(Severity::Info) > 0)
        .map(|(s, n)| {
            Bar::default()
                .value(*n as u64)
                .label(Line::from(s.as_str()))
                .style(ctx.theme.severity(*s))
                .value_style(ctx.theme.severity(*s).patch(ctx.style(Role::Selection)))
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(ctx.block(format!(" {} findings by severity ", totals.findings)))
            .data(BarGroup::default().bars(&bars))
            .bar_width(9)
            .bar_gap(2),
        sev,
    );

    let block = ctx.block(" posture per framework (controls passed / assessable) ");
    let inner = block.inner(fw);
    frame.render_widget(block, fw);
    let n = totals.by_framework.len().max(1);
    // Two lines per framework when they fit, else one.
    let per = if n * 2 <= usize::from(inner.height) {
        2
    } else {
        1
    };
    let rows = Layout::vertical(vec![Constraint::Length(per); n]).split(inner);
    for (p, row) in totals.by_framework.iter().zip(rows.iter()) {
        let assessable = p.assessed();
        let ratio = if assessable == 0 {
            0.0
        } else {
            p.passed as f64 / assessable as f64
        };
        let role = if ratio >= 0.8 {
            Role::Ok
        } else if ratio >= 0.5 {
            Role::Warn
        } else {
            Role::Error
        };
        frame.render_widget(
            Gauge::default()
                .ratio(ratio)
                .gauge_style(ctx.style(role))
                .label(format!(
                    "{}: {}/{} passed, {} failed, {} accepted, {} not evaluated, {} manual",
                    p.framework.short_name(),
                    p.passed,
                    assessable,
                    p.failed,
                    p.accepted,
                    p.not_evaluated,
                    p.manual
                )),
            Rect { height: 1, ..*row },
        );
    }

    let counts = app
        .top_checks
        .iter()
        .filter(|(id, _, _)| !app.disabled.contains(id));
    let lines: Vec<Line> = counts
        .take(checks.height.saturating_sub(2) as usize)
        .map(|(id, n, s)| {
            let title = crate::checks::find(id).map_or("", |c| c.title);
            Line::from(vec![
                Span::styled(format!("{n:>6} "), ctx.style(Role::Accent)),
                Span::styled(format!("{:<9}", s.as_str()), ctx.theme.severity(*s)),
                Span::styled(format!("{id} "), ctx.style(Role::Text)),
                Span::styled(title.to_string(), ctx.style(Role::Muted)),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(ctx.block(" top failing checks ")),
        checks,
    );

    let mut lines = Vec::new();
    for s in &data.snapshot.sources {
        lines.push(Line::from(vec![
            Span::styled("source  ", ctx.style(Role::Muted)),
            Span::raw(format!("{} — {}", s.location, s.detail)),
        ]));
    }
    lines.push(Line::styled(
        format!(
            "scanned {} in {:.2} s",
            data.scanned_at,
            data.took.as_secs_f64()
        ),
        ctx.style(Role::Muted),
    ));
    if let Some(p) = &app.session_log {
        lines.push(Line::styled(
            format!("session log {} (docket log verify)", p.display()),
            ctx.style(Role::Muted),
        ));
    }
    for e in &data.source_errors {
        lines.push(Line::styled(
            format!("not read: {e}"),
            ctx.style(Role::Error),
        ));
    }
    let gaps: Vec<_> = data.snapshot.coverage.gaps().collect();
    lines.push(Line::styled(
        format!("coverage gaps: {}", gaps.len()),
        ctx.style(Role::Title),
    ));
    for g in gaps {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} ({}): ", g.kind.label(), g.scope),
                ctx.style(Role::Warn),
            ),
            Span::raw(g.reason.clone()),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(ctx.block(" sources and coverage "))
            .wrap(Wrap { trim: true })
            .scroll((app.scroll, 0)),
        gaps_area,
    );
}

fn draw_loading(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let mut lines = vec![Line::styled(
        if app.scan.running.is_some() {
            "scanning: the views fill in when the first scan finishes (C cancels)"
        } else {
            "no data: r rescans, :help lists the keys"
        },
        ctx.style(Role::Title),
    )];
    for p in app.scan.items.values() {
        let state = if p.done { "done" } else { "…" };
        let what = if p.item.is_empty() {
            p.source.clone()
        } else {
            format!("{} {}", p.source, p.item)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {what:<28}"), ctx.style(Role::Text)),
            Span::styled(
                format!("{:>8} {state} ", p.objects),
                ctx.style(Role::Accent),
            ),
            Span::styled(p.note.clone(), ctx.style(Role::Muted)),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(ctx.block(" overview "))
            .wrap(Wrap { trim: true }),
        area,
    );
}
