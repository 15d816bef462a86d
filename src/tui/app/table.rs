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
    /// Results of recent filters (text, visible rows) for these rows, sort and hiding
    /// rules, newest last: Backspace back to one of them costs a copy, not a pass over
    /// every row.
    recent: Vec<(String, Vec<u32>)>,
}

/// How many recent filter results a table keeps.
const RECENT_FILTERS: usize = 8;

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
        let mut t = TableState::unfiltered(rows, columns, column, descending);
        t.refresh(&|_| true);
        t
    }

    /// A table whose view is not computed yet: the caller sets the filter and calls
    /// [`TableState::refresh`] once (installing a scan).
    pub fn unfiltered(
        rows: Vec<R>,
        columns: &'static [Column],
        column: usize,
        descending: bool,
    ) -> Self {
        TableState {
            rows,
            columns,
            view: TableView::sorted_by(column, descending),
            selected: 0,
            offset: std::cell::Cell::new(0),
            filter: String::new(),
            query: Query::parse(""),
            recent: Vec::new(),
        }
    }

    /// Filter again; `keep` drops rows hidden for other reasons (disabled checks, a
    /// drill-down to one resource). The rows stay sorted without sorting them again.
    pub fn refresh(&mut self, keep: &dyn Fn(&R) -> bool) {
        self.recent.clear();
        self.view.refilter(&self.rows, &self.query, keep);
        self.clamp();
    }

    /// The rows changed in place (their states): sort and filter again.
    pub fn rows_changed(&mut self, keep: &dyn Fn(&R) -> bool) {
        self.view.rows_changed();
        self.refresh(keep);
    }

    /// The `/` filter was edited (every keystroke). A filter that extends the previous
    /// one filters only the rows shown; one typed recently is put back; anything else
    /// filters every row, in the kept sort order. `keep` must be what the table was last
    /// refreshed with.
    pub fn set_filter(&mut self, text: &str, keep: &dyn Fn(&R) -> bool) {
        let query = Query::parse(text);
        self.selected = 0;
        self.offset.set(0);
        if text != self.filter {
            let previous = std::mem::replace(&mut self.filter, text.to_string());
            let at = self.recent.iter().position(|(t, _)| *t == self.filter);
            let cached = at.map(|i| self.recent.remove(i));
            self.remember(previous);
            match cached {
                Some((_, visible)) => self.view.restore(visible, query.clone()),
                None if query.narrows(self.view.query()) => self.view.set_query(&self.rows, &query),
                None => self.view.refilter(&self.rows, &query, keep),
            }
        }
        self.query = query;
        self.clamp();
    }

    /// Keep the current result under `text`, dropping the oldest beyond the limit.
    fn remember(&mut self, text: String) {
        self.recent.retain(|(t, _)| *t != text);
        if self.recent.len() >= RECENT_FILTERS {
            self.recent.remove(0);
        }
        self.recent.push((text, self.view.visible.clone()));
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
        self.recent.clear();
        self.view.set_sort(&self.rows, next, descending);
    }

    pub fn sort_reverse(&mut self) {
        let (col, desc) = (self.view.sort_column, !self.view.descending);
        self.recent.clear();
        self.view.set_sort(&self.rows, col, desc);
    }

    fn clamp(&mut self) {
        if self.selected >= self.len() {
            self.selected = self.len().saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{self, Selection};
    use crate::tui::rows::{finding_rows, FindingRow};

    fn demo_rows() -> Vec<FindingRow> {
        let snap = crate::sources::demo::load().expect("demo").snapshot;
        finding_rows(&checks::run(&snap, &Selection::default()))
    }

    /// A table filtered from scratch with `text` (the reference result).
    fn fresh(rows: &[FindingRow], text: &str, keep: &dyn Fn(&FindingRow) -> bool) -> Vec<u32> {
        let mut t = TableState::sorted(rows.to_vec(), &FindingRow::COLUMNS, 0, true);
        t.filter = text.to_string();
        t.query = Query::parse(text);
        t.refresh(keep);
        t.view.visible
    }

    #[test]
    fn every_keystroke_path_gives_what_filtering_from_scratch_gives() {
        let rows = demo_rows();
        let keep = |r: &FindingRow| r.index % 3 != 0;
        let mut t = TableState::sorted(rows.clone(), &FindingRow::COLUMNS, 0, true);
        t.refresh(&keep);
        // Typed one key at a time (narrowing), deleted again (recent results), edited in
        // the middle (neither), a word added and a negation typed (not narrowing).
        let mut typed = String::new();
        let mut texts = Vec::new();
        for c in "kw-0 !root".chars() {
            typed.push(c);
            texts.push(typed.clone());
        }
        while typed.pop().is_some() {
            texts.push(typed.clone());
        }
        texts.extend(
            [
                "sev:high",
                "sev:hig",
                "sev:>=medium",
                "priv",
                "pri",
                "!pri",
                "!pr",
                "",
                "kw-0",
            ]
            .map(String::from),
        );
        let mut checked = 0;
        for text in &texts {
            t.set_filter(text, &keep);
            assert_eq!(
                t.view.visible,
                fresh(&rows, text, &keep),
                "after typing {text:?}"
            );
            assert_eq!(t.filter, *text);
            checked += 1;
        }
        assert_eq!(checked, texts.len());
        // The demo filters to something non-trivial, so the comparison means something.
        t.set_filter("kw-0", &keep);
        assert!(t.len() > 3 && t.len() < rows.len() / 2, "{}", t.len());
    }

    #[test]
    fn sorting_drops_recent_results_and_keeps_the_filter() {
        let rows = demo_rows();
        let mut t = TableState::sorted(rows.clone(), &FindingRow::COLUMNS, 0, true);
        t.set_filter("kw", &|_| true);
        t.set_filter("kw-", &|_| true);
        t.sort_next();
        // Back to `kw`: its remembered result was in the old sort; it must not come back.
        t.set_filter("kw", &|_| true);
        let mut want = TableState::sorted(rows.clone(), &FindingRow::COLUMNS, 1, true);
        want.set_filter("kw", &|_| true);
        assert_eq!(t.view.visible, want.view.visible);
        assert_eq!(t.view.sort_column, 1);
    }

    #[test]
    fn a_refresh_with_other_hiding_rules_drops_recent_results() {
        let rows = demo_rows();
        let mut t = TableState::sorted(rows.clone(), &FindingRow::COLUMNS, 0, true);
        t.set_filter("kw", &|_| true);
        t.set_filter("kw-", &|_| true);
        let keep = |r: &FindingRow| r.index % 2 == 0;
        t.refresh(&keep);
        t.set_filter("kw", &keep);
        assert_eq!(t.view.visible, fresh(&rows, "kw", &keep));
    }
}
