//! What a key can do. Actions are data (serde, snake_case) so the keymap is a TOML file and
//! the help screen is generated from it; `App::update` is the only place that acts on them.

use serde::{Deserialize, Serialize};

/// Every action a key can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    /// Close the dialog, clear the filter, or go up one level (breadcrumbs).
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextTab,
    PrevTab,
    /// Drill down: finding -> detail; workload -> containers -> image -> findings.
    Enter,
    Palette,
    Filter,
    Help,
    /// Mark or unmark the selected row for bulk actions.
    Mark,
    /// Mark every row that passes the filter.
    MarkAll,
    ClearMarks,
    /// Rescan all sources; a running scan is cancelled (the latest request wins).
    Rescan,
    CancelScan,
    /// Export the current view (`ctrl-s`).
    Export,
    /// Sort by the next column / reverse the order.
    SortNext,
    SortReverse,
    /// Group findings by check, by resource, or not at all.
    GroupNext,
    /// Enable or disable the selected check for this session.
    ToggleCheck,
    /// Show the selected object's normalized (redacted) data.
    RawObject,
    Overview,
    Inventory,
    Findings,
    Checks,
    /// Triage: acknowledge / in progress / reopen the selected or marked findings.
    Acknowledge,
    InProgress,
    Reopen,
    /// Triage forms: accept the risk (reason and expiry), false positive (reason), a
    /// note, the owner.
    RiskAccept,
    FalsePositive,
    Note,
    Owner,
    /// Write a suppression rule from the selected finding (narrow scope, pre-filled).
    Suppress,
    /// Show or hide suppressed findings.
    ToggleSuppressed,
    /// Apply the finding's remediation (needs `--allow-changes`; confirms first).
    Apply,
    /// Copy the finding's remediation plan to the clipboard (OSC 52).
    CopyPlan,
    /// Edit / delete the selected suppression rule.
    Edit,
    Delete,
    /// The suppression rules and the session log views.
    Rules,
    Log,
    /// The DPIA register and connection map.
    Dpia,
}

/// Where a key is resolved: the focused part of the screen. `Global` applies everywhere
/// unless the focused layer binds the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Global,
    /// A table view (inventory, findings, checks).
    Table,
    /// A detail pane (finding detail, x-ray tree, raw object).
    Detail,
    Overview,
    Help,
    /// The suppression rules list.
    Rules,
    /// The session log view.
    Log,
    /// The DPIA register view.
    Dpia,
    /// The `:` command line (text input; only non-character keys are bound).
    Palette,
    /// The `/` filter line (text input; only non-character keys are bound).
    Filter,
}

impl Action {
    /// Every action, for completion and validation messages.
    pub const ALL: [Action; 45] = [
        Action::Quit,
        Action::Back,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::NextTab,
        Action::PrevTab,
        Action::Enter,
        Action::Palette,
        Action::Filter,
        Action::Help,
        Action::Mark,
        Action::MarkAll,
        Action::ClearMarks,
        Action::Rescan,
        Action::CancelScan,
        Action::Export,
        Action::SortNext,
        Action::SortReverse,
        Action::GroupNext,
        Action::ToggleCheck,
        Action::RawObject,
        Action::Overview,
        Action::Inventory,
        Action::Findings,
        Action::Checks,
        Action::Acknowledge,
        Action::InProgress,
        Action::Reopen,
        Action::RiskAccept,
        Action::FalsePositive,
        Action::Note,
        Action::Owner,
        Action::Suppress,
        Action::ToggleSuppressed,
        Action::Apply,
        Action::CopyPlan,
        Action::Edit,
        Action::Delete,
        Action::Rules,
        Action::Log,
        Action::Dpia,
    ];
}
