//! The check catalog with per-check outcomes and counts; `e` disables a check for the
//! session (its findings disappear from every view until enabled again).

use ratatui::layout::Rect;
use ratatui::Frame;

use super::{table, Ctx};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let title = format!("checks ({} disabled for this session)", app.disabled.len());
    table::draw(
        frame,
        area,
        ctx,
        &app.checks,
        title,
        &|r| {
            if app.disabled.contains(r.id) {
                Some(ctx.style(Role::Muted))
            } else {
                None
            }
        },
        &|_| false,
    );
}
