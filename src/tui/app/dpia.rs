//! The DPIA view (`7`, `:dpia`): the register is built by the runtime off the UI task when
//! the view opens (and again after a rescan); here it is held, navigated store by store,
//! and Enter lists the findings of the selected store's system.

use std::collections::HashSet;

use super::{App, ResourceFilter, Route};
use crate::dpia::StoreEntry;
use crate::tui::msg::Effect;

impl App {
    pub(super) fn open_dpia(&mut self) -> Vec<Effect> {
        self.help = false;
        self.raw = None;
        self.routes = vec![Route::Dpia];
        self.list_selected = 0;
        if self.data.is_none() {
            return Vec::new();
        }
        // Build once per scan.
        match &self.dpia {
            Some((id, _)) if *id == self.data_scan => Vec::new(),
            _ => vec![Effect::BuildDpia {
                scan_id: self.data_scan,
            }],
        }
    }

    /// Every store of the register in display order, with the index of its row.
    pub fn dpia_stores(&self) -> Vec<(usize, &StoreEntry)> {
        match &self.dpia {
            Some((_, Ok(reg))) => reg
                .rows
                .iter()
                .enumerate()
                .flat_map(|(i, row)| row.stores.iter().map(move |s| (i, s)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Enter: the findings on the resources of the selected store's system.
    pub(super) fn dpia_findings(&mut self) {
        let (Some(bench), Some((_, Ok(reg)))) = (&self.data, &self.dpia) else {
            return;
        };
        let stores = self.dpia_stores();
        let Some(&(row_index, _)) = stores.get(self.list_selected) else {
            return;
        };
        let Some(row) = reg.rows.get(row_index) else {
            return;
        };
        let resources: Vec<&crate::findings::ResourceRef> =
            row.stores.iter().map(|s| &s.store.resource).collect();
        let names: HashSet<(&str, Option<&str>, &str)> = resources
            .iter()
            .map(|r| (r.kind.as_str(), r.namespace.as_deref(), r.name.as_str()))
            .collect();
        let findings = bench
            .scan
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let r = &f.resource;
                names.contains(&(r.kind.as_str(), r.namespace.as_deref(), r.name.as_str()))
            })
            .map(|(i, _)| i)
            .collect();
        let label = format!("data stores of {}", row.system);
        self.routes.push(Route::Findings {
            resource: Some(ResourceFilter { label, findings }),
        });
        self.refresh_findings();
    }
}
