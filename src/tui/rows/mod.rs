//! Table row models and the filtered, sorted views over them.
//!
//! Rows are built once per scan with every string the tables show or search already
//! computed (search text lowercased), so a keystroke in the filter only scans strings and
//! a frame only formats the rows on screen. A [`TableView`] holds indices, never rows.
//!
//! - [`findings`]: one row per finding, and grouping by check or resource;
//! - [`checks`]: one row per catalog check with its outcome;
//! - [`inventory`]: hosts, images, containers, workloads and namespaces, each with the
//!   [`ResourceKey`] that leads to its findings.

pub mod checks;
pub mod findings;
pub mod inventory;
mod text;

use std::borrow::Cow;
use std::ops::Range;

use super::query::{Filterable, Query};

pub use checks::{check_rows, CheckRow};
pub use findings::{finding_rows, group_findings, FindingRow, Group, Grouping};
pub use inventory::{inventory_rows, InventoryRow, InventoryTab, ResourceKey};

/// A table column: its header and preferred (minimum) width in cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    pub width: u16,
}

/// What a column sorts by. Text keys are lowercase slices of the row's search text, so
/// sorting compares borrowed strings and never allocates per comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey<'a> {
    Text(&'a str),
    Num(i64),
}

/// A row of a table.
pub trait TableRow: Filterable {
    /// The display text of each column, in column order.
    fn cells(&self) -> Vec<Cow<'_, str>>;
    /// The key of `column`; an out-of-range column sorts as equal (row order).
    fn sort_key(&self, column: usize) -> SortKey<'_>;
}

/// A filtered, sorted view of rows: the indices only, so a keystroke never copies rows.
///
/// Ties in the sort column keep row order (for findings: severity, check, resource, as the
/// scan sorted them), in both directions, so the view does not shuffle between frames.
#[derive(Debug, Clone, Default)]
pub struct TableView {
    pub sort_column: usize,
    pub descending: bool,
    /// Indices into the rows, in display order.
    pub visible: Vec<u32>,
    /// The query `visible` was filtered with, to tell whether a new one narrows it.
    query: Query,
    /// The number of rows `visible` was computed from.
    rows: usize,
}

impl TableView {
    /// Sorted by the first column, ascending; see [`TableView::sorted_by`].
    pub fn new() -> Self {
        TableView::default()
    }

    /// A view with an initial sort (findings: `sorted_by(0, true)`, worst first).
    pub fn sorted_by(column: usize, descending: bool) -> Self {
        TableView {
            sort_column: column,
            descending,
            ..TableView::default()
        }
    }

    /// Recompute from scratch: filter every row, then sort. Call after the rows change.
    pub fn refresh<R: TableRow>(&mut self, rows: &[R], query: &Query) {
        self.visible.clear();
        let all = 0..u32::try_from(rows.len()).unwrap_or(u32::MAX);
        if query.is_empty() {
            self.visible.extend(all);
        } else {
            self.visible
                .extend(all.filter(|&i| query.matches(&rows[i as usize])));
        }
        sort_indices(rows, &mut self.visible, self.sort_column, self.descending);
        self.query = query.clone();
        self.rows = rows.len();
    }

    /// Apply a new query to the same rows. When it only narrows the previous one (the
    /// user typed another character) only the visible rows are filtered, and they stay
    /// sorted; otherwise this is [`TableView::refresh`].
    pub fn set_query<R: TableRow>(&mut self, rows: &[R], query: &Query) {
        if rows.len() != self.rows || !query.narrows(&self.query) {
            return self.refresh(rows, query);
        }
        self.visible.retain(|&i| query.matches(&rows[i as usize]));
        self.query = query.clone();
    }

    /// Change the sort and re-sort the visible rows only.
    pub fn set_sort<R: TableRow>(&mut self, rows: &[R], column: usize, descending: bool) {
        self.sort_column = column;
        self.descending = descending;
        sort_indices(rows, &mut self.visible, column, descending);
    }

    /// Where row `index` is shown, to keep the selection on the same row after a refresh.
    pub fn position(&self, index: u32) -> Option<usize> {
        self.visible.iter().position(|&i| i == index)
    }

    /// The row shown at `position`.
    pub fn row_at(&self, position: usize) -> Option<usize> {
        self.visible.get(position).map(|&i| i as usize)
    }

    /// The query the view was last filtered with.
    pub fn query(&self) -> &Query {
        &self.query
    }
}

/// Sort indices by one column: keys are computed once per row (borrowed slices or
/// numbers), then sorted with the row index as the tie-break, so the result does not
/// depend on the order the indices came in.
fn sort_indices<R: TableRow>(rows: &[R], indices: &mut Vec<u32>, column: usize, descending: bool) {
    let mut keyed: Vec<(SortKey<'_>, u32)> = indices
        .iter()
        .map(|&i| (rows[i as usize].sort_key(column), i))
        .collect();
    keyed.sort_unstable_by(|a, b| {
        let by_key = a.0.cmp(&b.0);
        let by_key = if descending { by_key.reverse() } else { by_key };
        by_key.then(a.1.cmp(&b.1))
    });
    indices.clear();
    indices.extend(keyed.iter().map(|(_, i)| *i));
}

/// The scrolling rule of every table: given `len` rows, the `selected` one, the previous
/// first row shown (`offset`) and the rows that fit (`height`), return the new offset and
/// the range of positions to build into ratatui rows. The offset moves only as far as
/// needed to keep the selection on screen, and never leaves blank lines at the bottom
/// when there are rows above to fill them (after a filter shrank the table).
pub fn visible_window(
    len: usize,
    selected: usize,
    offset: usize,
    height: usize,
) -> (usize, Range<usize>) {
    if len == 0 || height == 0 {
        return (0, 0..0);
    }
    let selected = selected.min(len - 1);
    let mut offset = offset.min(len.saturating_sub(height));
    if selected < offset {
        offset = selected;
    } else if selected >= offset + height {
        offset = selected + 1 - height;
    }
    (offset, offset..(offset + height).min(len))
}

#[cfg(test)]
mod tests;
