//! The DPIA register (`7`, `:dpia`): one line per data store, grouped by processing system
//! (categories, who can reach it, exposure, failing GDPR Art. 32/25 measures), and for the
//! selected store the connection map as a tree from the outside world, why it was
//! classified, where its data lives, the failing measures, residual risks and unknowns.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::Ctx;
use crate::dpia::{Register, StoreEntry};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let reg = match &app.dpia {
        Some((_, Ok(reg))) => reg,
        Some((_, Err(e))) => {
            message(frame, area, ctx, e, Role::Error);
            return;
        }
        None if app.data.is_none() => {
            message(frame, area, ctx, "waiting for the first scan", Role::Muted);
            return;
        }
        None => {
            message(frame, area, ctx, "building the register ...", Role::Muted);
            return;
        }
    };
    let stores = app.dpia_stores();
    if stores.is_empty() {
        message(
            frame,
            area,
            ctx,
            "No data stores found: no database, cache, queue or object-store images, no \
             persistent volumes, no data-classification labels. Mark stores by hand in dpia.toml.",
            Role::Muted,
        );
        return;
    }
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Min(8)]).areas(area);
    draw_list(frame, list, ctx, reg, &stores);
    if let Some(&(row, entry)) = stores.get(app.list_selected) {
        draw_detail(frame, detail, ctx, reg, row, entry);
    }
}

fn message(frame: &mut Frame, area: Rect, ctx: &Ctx, text: &str, role: Role) {
    frame.render_widget(
        Paragraph::new(Line::styled(text.to_string(), ctx.style(role)))
            .block(ctx.block(" dpia register "))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn draw_list(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx,
    reg: &Register,
    stores: &[(usize, &StoreEntry)],
) {
    let app = ctx.app;
    let header = Row::new([
        "SYSTEM",
        "DATA STORE",
        "CATEGORIES",
        "REACHABLE BY",
        "EXPOSURE",
        "FAILING",
    ])
    .style(ctx.style(Role::Header));
    let height = area.height.saturating_sub(3) as usize;
    let first = app.list_selected.saturating_sub(height.saturating_sub(1));
    let rows: Vec<Row> = stores
        .iter()
        .enumerate()
        .skip(first)
        .take(height.max(1))
        .map(|(i, (row, s))| {
            let system = reg.rows.get(*row);
            let categories = if s.store.categories.is_empty() {
                "unknown".to_string()
            } else {
                s.store.categories.join(", ")
            };
            let failing = system.map_or(0, |r| r.measures_failing.len());
            let exposed = !matches!(
                s.reach.exposure,
                crate::dpia::reach::Exposure::NotExposed | crate::dpia::reach::Exposure::HostOnly
            );
            let mut style = if exposed {
                ctx.style(Role::Warn)
            } else {
                ctx.style(Role::Text)
            };
            if i == app.list_selected {
                style = style.patch(ctx.style(Role::Selection));
            }
            Row::new(vec![
                system.map(|r| r.system.clone()).unwrap_or_default(),
                s.store.resource.display(),
                categories,
                s.reach.reach.label().to_string(),
                s.reach.exposure.label().to_string(),
                failing.to_string(),
            ])
            .style(style)
        })
        .collect();
    let title = format!(
        " dpia register: {} systems, {} data stores{} ",
        reg.rows.len(),
        stores.len(),
        if reg.overrides_origin.is_empty() {
            String::new()
        } else {
            format!(" · corrections {}", reg.overrides_origin)
        }
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Min(28),
            Constraint::Length(20),
            Constraint::Length(13),
            Constraint::Length(18),
            Constraint::Length(7),
        ],
    )
    .header(header)
    .block(ctx.block(title));
    frame.render_widget(table, area);
}

fn draw_detail(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx,
    reg: &Register,
    row: usize,
    entry: &StoreEntry,
) {
    let label = |k: &str| Span::styled(format!("{k:<11}"), ctx.style(Role::Muted));
    let mut lines = vec![Line::from(vec![
        label("reach"),
        Span::styled(entry.reach.summary.clone(), ctx.style(Role::Accent)),
    ])];
    for why in &entry.store.why {
        lines.push(Line::from(vec![label("why"), Span::raw(why.clone())]));
    }
    for s in &entry.store.storage {
        lines.push(Line::from(vec![label("stored in"), Span::raw(s.clone())]));
    }
    if let Some(o) = &entry.store.owner {
        lines.push(Line::from(vec![label("owner"), Span::raw(o.clone())]));
    }
    let tree = entry.reach.tree();
    if !tree.is_empty() {
        lines.push(Line::styled("paths in", ctx.style(Role::Title)));
        for t in tree.iter().take(12) {
            let role = if t.blocked_by.is_some() {
                Role::Muted
            } else {
                Role::Text
            };
            lines.push(Line::styled(format!("  {}", t.text()), ctx.style(role)));
        }
    }
    if let Some(system) = reg.rows.get(row) {
        for m in system.measures_failing.iter().take(8) {
            lines.push(Line::from(vec![
                label("failing"),
                Span::styled(
                    format!("{} {} ({})", m.check_id, m.title, m.controls.join(", ")),
                    ctx.style(Role::Error),
                ),
            ]));
        }
        for r in &system.residual_risks {
            lines.push(Line::from(vec![label("risk"), Span::raw(r.clone())]));
        }
        for u in system.unknown.iter().chain(&entry.reach.unknown) {
            lines.push(Line::from(vec![
                label("unknown"),
                Span::styled(u.clone(), ctx.style(Role::Warn)),
            ]));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(ctx.block(format!(
                " {} · enter: its system's findings ",
                entry.store.resource.display()
            )))
            .wrap(Wrap { trim: false })
            .scroll((ctx.app.scroll, 0)),
        area,
    );
}
