//! The findings table: sortable, filterable, grouped by check or resource on demand.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem};
use ratatui::Frame;

use super::{table, Ctx};
use crate::tui::app::Route;
use crate::tui::rows::{visible_window, Grouping};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let t = &app.findings;
    let title = match app.route() {
        Route::Findings { resource: Some(r) } => format!("findings of {}", r.label),
        _ if t.filter.is_empty() => "findings".to_string(),
        _ => format!("findings /{}", t.filter),
    };
    if app.grouping != Grouping::None {
        let groups = app.groups();
        let height = area.height.saturating_sub(2) as usize;
        let (_, window) = visible_window(groups.len(), app.group_selected, 0, height);
        let items: Vec<ListItem> = window
            .map(|i| {
                let g = &groups[i];
                let line = Line::from(vec![
                    Span::styled(format!("{:>6}  ", g.count), ctx.style(Role::Accent)),
                    Span::styled(
                        format!("{:<9}", g.worst.as_str()),
                        ctx.theme.severity(g.worst),
                    ),
                    Span::styled(g.label.clone(), ctx.style(Role::Text)),
                ]);
                let item = ListItem::new(line);
                if i == app.group_selected {
                    item.style(ctx.style(Role::Selection))
                } else {
                    item
                }
            })
            .collect();
        let by = if app.grouping == Grouping::ByCheck {
            "check"
        } else {
            "resource"
        };
        frame.render_widget(
            List::new(items).block(ctx.block(format!(
                " {title}: {} groups by {by} (enter: the group's findings, b: ungroup) ",
                groups.len()
            ))),
            area,
        );
        return;
    }
    let marks = &app.marks;
    table::draw(
        frame,
        area,
        ctx,
        t,
        title,
        &|r| Some(ctx.theme.severity(r.severity)),
        &|r| marks.contains(&r.index),
    );
}
