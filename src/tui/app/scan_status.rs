//! The running scan as the header and the overview show it: per source and kind, how many
//! objects, done or not, and why something could not be read.

use std::collections::BTreeMap;

use crate::tui::msg::ScanProgress;

#[derive(Debug, Default, Clone)]
pub struct ScanStatus {
    /// The id of the running scan; `None` when idle.
    pub running: Option<u64>,
    /// The id the next scan gets.
    pub next_id: u64,
    /// (source, item) -> latest report, for the running or last scan.
    pub items: BTreeMap<(String, String), ScanProgress>,
}

impl ScanStatus {
    /// Start a new scan: forget the last one's progress; returns its id.
    pub fn begin(&mut self) -> u64 {
        self.next_id += 1;
        self.running = Some(self.next_id);
        self.items.clear();
        self.next_id
    }

    pub fn progress(&mut self, p: ScanProgress) {
        self.items.insert((p.source.clone(), p.item.clone()), p);
    }

    /// One line for the header: `scanning: kube pods 3500, docker containers …`.
    pub fn line(&self) -> String {
        let busy: Vec<String> = self
            .items
            .values()
            .filter(|p| !p.done)
            .map(|p| {
                let what = if p.item.is_empty() {
                    p.source.clone()
                } else {
                    format!("{} {}", p.source, p.item)
                };
                if p.objects > 0 {
                    format!("{what} {}", p.objects)
                } else {
                    what
                }
            })
            .collect();
        let done = self.items.values().filter(|p| p.done).count();
        format!(
            "scanning: {} ({done} done)",
            if busy.is_empty() {
                "starting".to_string()
            } else {
                busy.join(", ")
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(source: &str, item: &str, objects: usize, done: bool) -> ScanProgress {
        ScanProgress {
            source: source.into(),
            item: item.into(),
            objects,
            done,
            note: String::new(),
        }
    }

    #[test]
    fn the_line_lists_what_is_still_running() {
        let mut s = ScanStatus::default();
        assert_eq!(s.begin(), 1);
        s.progress(p("kube", "pods", 500, false));
        s.progress(p("kube", "nodes", 3, true));
        assert_eq!(s.line(), "scanning: kube pods 500 (1 done)");
        assert_eq!(s.begin(), 2);
        assert!(s.items.is_empty());
    }
}
