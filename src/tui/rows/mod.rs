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
///
/// The view keeps every row's index in the current sort order (computed once per rows and
/// sort), so filtering from scratch walks that order and keeps the matches: a filtered
/// view comes out sorted without sorting.
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
    /// Every row index in the sort order; empty until computed for the current rows.
    order: Vec<u32>,
    /// Changes whenever `visible` does; unique across views, so a memo of something
    /// derived from `visible` (the groups) can tell whether it is current.
    generation: u64,
}

/// The next [`TableView::generation`].
fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
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

    /// Recompute from scratch: sort every row, then filter. Call after the rows change.
    pub fn refresh<R: TableRow>(&mut self, rows: &[R], query: &Query) {
        self.rows_changed();
        self.refilter(rows, query, &|_| true);
    }

    /// The rows' sort keys may have changed (a state column): sort again next time.
    pub fn rows_changed(&mut self) {
        self.order.clear();
    }

    /// Filter every row again with `query` and `keep`, in the sort order (sorting only
    /// when the rows or the sort changed since the order was computed).
    pub fn refilter<R: TableRow>(&mut self, rows: &[R], query: &Query, keep: &dyn Fn(&R) -> bool) {
        self.ensure_order(rows);
        self.visible.clear();
        let order = self.order.iter().copied();
        if query.is_empty() {
            self.visible
                .extend(order.filter(|&i| keep(&rows[i as usize])));
        } else {
            self.visible.extend(order.filter(|&i| {
                let row = &rows[i as usize];
                query.matches(row) && keep(row)
            }));
        }
        self.query = query.clone();
        self.rows = rows.len();
        self.generation = next_generation();
    }

    /// Apply a new query to the same rows. When it only narrows the previous one (the
    /// user typed another character) only the visible rows are filtered, and they stay
    /// sorted; otherwise every row is filtered again ([`TableView::refilter`]).
    pub fn set_query<R: TableRow>(&mut self, rows: &[R], query: &Query) {
        if rows.len() != self.rows || !query.narrows(&self.query) {
            return self.refilter(rows, query, &|_| true);
        }
        self.visible.retain(|&i| query.matches(&rows[i as usize]));
        self.query = query.clone();
        self.generation = next_generation();
    }

    /// Put back a result computed earlier for `query` with the same rows, sort and
    /// hiding rules (a filter the operator returns to).
    pub fn restore(&mut self, visible: Vec<u32>, query: Query) {
        self.visible = visible;
        self.query = query;
        self.generation = next_generation();
    }

    /// Change the sort: every row is sorted once (kept for later filtering), and the
    /// visible rows follow that order.
    pub fn set_sort<R: TableRow>(&mut self, rows: &[R], column: usize, descending: bool) {
        if (column, descending) != (self.sort_column, self.descending) {
            self.order.clear();
        }
        self.sort_column = column;
        self.descending = descending;
        self.generation = next_generation();
        self.ensure_order(rows);
        if self.visible.len() == self.order.len() {
            self.visible.clone_from(&self.order);
            return;
        }
        let mut shown = vec![false; rows.len()];
        for &i in &self.visible {
            if let Some(s) = shown.get_mut(i as usize) {
                *s = true;
            }
        }
        self.visible.clear();
        self.visible
            .extend(self.order.iter().copied().filter(|&i| shown[i as usize]));
    }

    fn ensure_order<R: TableRow>(&mut self, rows: &[R]) {
        if self.order.len() == rows.len() && !rows.is_empty() {
            return;
        }
        self.order.clear();
        self.order
            .extend(0..u32::try_from(rows.len()).unwrap_or(u32::MAX));
        sort_indices(rows, &mut self.order, self.sort_column, self.descending);
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

    /// Changes whenever the visible rows do (0: never computed).
    pub fn generation(&self) -> u64 {
        self.generation
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
