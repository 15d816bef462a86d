//! A table of any row type: only the rows in the window are turned into ratatui rows, so
//! 150,000 findings cost what 40 do.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell as TuiCell, Paragraph, Row, Table};
use ratatui::Frame;

use super::Ctx;
use crate::tui::app::TableState;
use crate::tui::rows::{visible_window, TableRow};
use crate::tui::theme::Role;

/// How to style a row beyond the defaults (severity colors, marks, disabled checks).
pub type RowStyle<'a, R> = &'a dyn Fn(&R) -> Option<Style>;

pub fn draw<R: TableRow>(
    frame: &mut Frame,
    area: Rect,
    ctx: &Ctx,
    table: &TableState<R>,
    title: String,
    row_style: RowStyle<'_, R>,
    marked: &dyn Fn(&R) -> bool,
) {
    let block = ctx.block(format!(" {title} [{}/{}] ", table.len(), table.rows.len()));
    let inner = block.inner(area);
    ctx.app.table_area.set(inner);
    if table.is_empty() {
        let msg = if table.rows.is_empty() {
            "nothing here (yet): the scan found no objects of this kind"
        } else {
            "no row matches the filter: Esc clears it"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(msg, ctx.style(Role::Muted))).block(block),
            area,
        );
        return;
    }
    let height = inner.height.saturating_sub(1) as usize;
    let (offset, range) = visible_window(table.len(), table.selected, table.offset.get(), height);
    table.offset.set(offset);
    let columns = table.columns;
    let header = Row::new(columns.iter().enumerate().map(|(i, c)| {
        let arrow = if i == table.view.sort_column {
            if table.view.descending {
                "▼"
            } else {
                "▲"
            }
        } else {
            ""
        };
        TuiCell::from(format!("{}{arrow}", c.title))
    }))
    .style(ctx.style(Role::Header));
    let rows = range.map(|pos| {
        let row = &table.rows[table.view.visible[pos] as usize];
        let mut style = row_style(row).unwrap_or_else(|| ctx.style(Role::Text));
        if marked(row) {
            style = style.patch(ctx.style(Role::Mark));
        }
        if pos == table.selected {
            style = style.patch(ctx.style(Role::Selection));
        }
        let cells: Vec<TuiCell> = row
            .cells()
            .into_iter()
            .map(|c| TuiCell::from(c.into_owned()))
            .collect();
        Row::new(cells).style(style)
    });
    let widths: Vec<Constraint> = columns.iter().map(|c| Constraint::Min(c.width)).collect();
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(1),
        area,
    );
}
