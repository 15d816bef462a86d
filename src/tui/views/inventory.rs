//! Inventory tables: hosts, images, containers, workloads, namespaces, as tabs.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{table, Ctx};
use crate::tui::rows::InventoryTab;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(area);
    let mut spans = Vec::new();
    for (i, tab) in InventoryTab::ALL.iter().enumerate() {
        let count = app.inventory.get(i).map_or(0, |t| t.rows.len());
        let role = if *tab == app.inventory_tab {
            Role::Selection
        } else {
            Role::Muted
        };
        spans.push(Span::styled(
            format!(" {} {count} ", tab.title()),
            ctx.style(role),
        ));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        " [ ] switch · enter x-ray",
        ctx.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
    let Some(t) = app.inventory.get(app.inventory_index()) else {
        return;
    };
    let title = if t.filter.is_empty() {
        app.inventory_tab.title().to_string()
    } else {
        format!("{} /{}", app.inventory_tab.title(), t.filter)
    };
    table::draw(
        frame,
        body,
        ctx,
        t,
        title,
        &|r| r.worst().map(|s| ctx.theme.severity(s)),
        &|_| false,
    );
}
