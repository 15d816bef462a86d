//! One table's interactive state: its rows (built once per scan), the filtered and sorted
//! view (indices only), the selection and the scroll offset.

use crate::tui::query::Query;
use crate::tui::rows::{Column, TableRow, TableView};

#[derive(Debug)]
pub struct TableState<R> {
    pub rows: Vec<R>,
    pub columns: &'static [Column],
    pub view: TableView,
    /// Position in `view.visible`.
    pub selected: usize,
    /// First visible position; kept by the views' scrolling rule while drawing.
    pub offset: std::cell::Cell<usize>,
    /// The `/` filter as typed.
    pub filter: String,
    pub query: Query,
}

impl<R: TableRow> TableState<R> {
    pub fn new(rows: Vec<R>, columns: &'static [Column]) -> Self {
        Self::sorted(rows, columns, 0, false)
    }

    pub fn sorted(
        rows: Vec<R>,
        columns: &'static [Column],
        column: usize,
        descending: bool,
    ) -> Self {
        let mut t = TableState {
            rows,
            columns,
            view: TableView::sorted_by(column, descending),
            selected: 0,
            offset: std::cell::Cell::new(0),
            filter: String::new(),
            query: Query::parse(""),
        };
        t.refresh(&|_| true);
        t
    }

    /// Re-filter and re-sort; `keep` drops rows hidden for other reasons (disabled checks,
    /// a drill-down to one resource).
    pub fn refresh(&mut self, keep: &dyn Fn(&R) -> bool) {
        self.view.refresh(&self.rows, &self.query);
        let rows = &self.rows;
        self.view.visible.retain(|&i| keep(&rows[i as usize]));
        self.clamp();
    }

    pub fn set_filter(&mut self, text: &str, keep: &dyn Fn(&R) -> bool) {
        self.filter = text.to_string();
        self.query = Query::parse(text);
        self.selected = 0;
        self.offset.set(0);
        self.refresh(keep);
    }

    pub fn len(&self) -> usize {
        self.view.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.view.visible.is_empty()
    }

    /// The selected row, if any row is visible.
    pub fn current(&self) -> Option<&R> {
        self.view
            .visible
            .get(self.selected)
            .map(|&i| &self.rows[i as usize])
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.is_empty() {
            return;
        }
        let last = self.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    pub fn top(&mut self) {
        self.selected = 0;
    }

    pub fn bottom(&mut self) {
        self.selected = self.len().saturating_sub(1);
    }

    pub fn sort_next(&mut self) {
        let next = (self.view.sort_column + 1) % self.columns.len().max(1);
        let descending = self.view.descending;
        self.view.set_sort(&self.rows, next, descending);
    }

    pub fn sort_reverse(&mut self) {
        let (col, desc) = (self.view.sort_column, !self.view.descending);
        self.view.set_sort(&self.rows, col, desc);
    }

    fn clamp(&mut self) {
        if self.selected >= self.len() {
            self.selected = self.len().saturating_sub(1);
        }
    }
}
