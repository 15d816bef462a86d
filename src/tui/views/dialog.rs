//! A modal form over the current view: title, what it acts on, one text area per field
//! (the focused one highlighted, with the cursor), the field's hint, and the last refusal.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{inset, Ctx};
use crate::tui::app::Dialog;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx, dialog: &Dialog) {
    let mut area = inset(area, area.width / 8, 1);
    if dialog.fields.iter().all(|f| !f.multiline) {
        // One-line forms take only the rows they need.
        let need = dialog.subject.len() as u16 + 4 * dialog.fields.len() as u16 + 4;
        area.height = area.height.min(need);
    }
    frame.render_widget(Clear, area);
    let block = ctx.block(format!(" {} ", dialog.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let subject_rows = dialog.subject.len() as u16;
    let mut constraints = vec![Constraint::Length(subject_rows)];
    for f in &dialog.fields {
        let rows = if f.multiline {
            Constraint::Min(4)
        } else {
            Constraint::Length(3)
        };
        constraints.push(rows);
        constraints.push(Constraint::Length(1)); // the hint
    }
    constraints.push(Constraint::Length(2)); // error + keys
    let rows = Layout::vertical(constraints).split(inner);

    let subject: Vec<Line> = dialog
        .subject
        .iter()
        .map(|s| Line::styled(s.clone(), ctx.style(Role::Text)))
        .collect();
    frame.render_widget(Paragraph::new(subject), rows[0]);

    for (i, field) in dialog.fields.iter().enumerate() {
        let (Some(&box_area), Some(&hint_area)) = (rows.get(1 + 2 * i), rows.get(2 + 2 * i)) else {
            continue;
        };
        let focused = i == dialog.focus;
        let title_role = if focused { Role::Accent } else { Role::Muted };
        let mut area_widget = field.area.clone();
        area_widget.set_block(ctx.block(Line::styled(
            format!(" {} ", field.label),
            ctx.style(title_role),
        )));
        area_widget.set_style(ctx.style(Role::Text));
        area_widget.set_cursor_line_style(ctx.style(Role::Text));
        area_widget.set_cursor_style(if focused {
            ctx.style(Role::Selection).add_modifier(Modifier::REVERSED)
        } else {
            ctx.style(Role::Text)
        });
        frame.render_widget(&area_widget, box_area);
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" {}", field.hint),
                ctx.style(Role::Muted),
            )),
            hint_area,
        );
    }

    if let Some(&last) = rows.last() {
        let mut lines = Vec::new();
        if let Some(e) = &dialog.error {
            lines.push(Line::styled(e.clone(), ctx.style(Role::Error)));
        }
        lines.push(Line::from(vec![
            Span::styled("enter", ctx.style(Role::Accent)),
            Span::styled(" save (new line in a text box) · ", ctx.style(Role::Muted)),
            Span::styled("ctrl-s", ctx.style(Role::Accent)),
            Span::styled(" save · ", ctx.style(Role::Muted)),
            Span::styled("tab", ctx.style(Role::Accent)),
            Span::styled(" next field · ", ctx.style(Role::Muted)),
            Span::styled("esc", ctx.style(Role::Accent)),
            Span::styled(" cancel", ctx.style(Role::Muted)),
        ]));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), last);
    }
}
