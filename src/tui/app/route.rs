//! Where the operator is: a stack of routes, rendered as breadcrumbs. `Esc` pops.

use crate::tui::rows::InventoryTab;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Overview,
    Inventory,
    /// The findings table, optionally narrowed to one resource (drill-down from inventory).
    Findings {
        resource: Option<ResourceFilter>,
    },
    /// The detail of finding `index` (into `ScanResult.findings`).
    Detail {
        index: usize,
    },
    Checks,
    /// The x-ray tree of one inventory row: workload -> containers -> image -> findings.
    XRay {
        tab: InventoryTab,
        row: usize,
    },
    /// The suppression rules, with status and matches.
    Rules,
    /// The session log, read back and verified.
    Log,
    /// The DPIA register: processing systems, their data stores and who can reach them.
    Dpia,
}

/// Findings of one resource (a workload with its containers, a container, an image, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFilter {
    /// Shown in the breadcrumbs: `Deployment shop/web`.
    pub label: String,
    /// Indices into `ScanResult.findings`.
    pub findings: Vec<usize>,
}

impl Route {
    pub fn crumb(&self) -> String {
        match self {
            Route::Overview => "overview".into(),
            Route::Inventory => "inventory".into(),
            Route::Findings { resource: None } => "findings".into(),
            Route::Findings { resource: Some(r) } => format!("findings of {}", r.label),
            Route::Detail { .. } => "detail".into(),
            Route::Checks => "checks".into(),
            Route::XRay { .. } => "x-ray".into(),
            Route::Rules => "suppression rules".into(),
            Route::Log => "session log".into(),
            Route::Dpia => "dpia".into(),
        }
    }
}
