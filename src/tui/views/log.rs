//! The session log (`6`, `:log`): the file read back and its hash chain verified, one line
//! per event, newest last, scrolled with the keys.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::Ctx;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let Some(view) = &app.log_view else {
        let text = match &app.session_log {
            Some(p) => format!("reading {} ...", p.display()),
            None => "this session has no log".to_string(),
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, ctx.style(Role::Muted)))
                .block(ctx.block(" session log ")),
            area,
        );
        return;
    };
    let status_role = if view.intact { Role::Ok } else { Role::Error };
    let mut lines = vec![
        Line::styled(view.status.clone(), ctx.style(status_role)),
        Line::raw(""),
    ];
    // Only the lines that can be seen are built.
    let height = area.height.saturating_sub(4) as usize;
    let start = (app.scroll as usize).min(view.lines.len().saturating_sub(height.max(1)));
    for l in view.lines.iter().skip(start).take(height) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:>4} ", l.seq), ctx.style(Role::Muted)),
            Span::styled(format!("{} ", short(&l.at)), ctx.style(Role::Muted)),
            Span::styled(format!("{:<14}", l.kind), ctx.style(Role::Accent)),
            Span::styled(l.summary.clone(), ctx.style(Role::Text)),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(ctx.block(format!(" session log · {} ", view.path)))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// `12:04:31` from an RFC 3339 time.
fn short(at: &str) -> &str {
    at.get(11..19).unwrap_or(at)
}
