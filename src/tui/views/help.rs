//! `?`: the bindings of the focused layer and the global ones, generated from the keymap,
//! and the palette commands.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{inset, Ctx};
use crate::tui::action::Layer;
use crate::tui::app::input::COMMANDS;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let area = inset(area, 4, 1);
    frame.render_widget(Clear, area);
    let app = ctx.app;
    // The layer under the help overlay.
    let under = match app.route() {
        crate::tui::app::Route::Overview => Layer::Overview,
        crate::tui::app::Route::Detail { .. } | crate::tui::app::Route::XRay { .. } => {
            Layer::Detail
        }
        crate::tui::app::Route::Rules => Layer::Rules,
        crate::tui::app::Route::Log => Layer::Log,
        crate::tui::app::Route::Dpia => Layer::Dpia,
        _ => Layer::Table,
    };
    let mut lines = Vec::new();
    for (title, layer) in [("this view", under), ("everywhere", Layer::Global)] {
        lines.push(Line::styled(title, ctx.style(Role::Title)));
        for (key, _, desc) in ctx.keymap.bindings(layer) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<12}"), ctx.style(Role::Accent)),
                Span::styled(desc, ctx.style(Role::Text)),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled("commands (:)", ctx.style(Role::Title)));
    for c in COMMANDS {
        let aliases = if c.aliases.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.aliases.join(", "))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  :{} {}", c.name, c.arg), ctx.style(Role::Accent)),
            Span::styled(format!("{aliases}  {}", c.desc), ctx.style(Role::Muted)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "filter (/): words, regex, !not, fields sev: check: ns: kind: name: state: source: host: image:",
        ctx.style(Role::Muted),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(ctx.block(" help (esc closes) "))
            .scroll((app.scroll, 0)),
        area,
    );
}
