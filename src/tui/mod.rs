//! The interactive workbench (`docket` at a terminal). One owner of state (`app`), messages
//! in (`msg`), effects out, a pure `update`, frames drawn from state (`views`); the runtime
//! (`run`) is the only part that touches the terminal, and `scan` the only part that reads
//! sources. Pure modules (action, keymap, theme, query, rows, app, views) are tested
//! without a terminal.

pub mod action;
pub mod app;
pub mod apply_task;
pub mod config;
pub mod keymap;
pub mod log;
pub mod msg;
pub mod persist;
pub mod query;
pub mod rows;
pub mod run;
pub mod scan;
pub mod session;
pub mod settle;
pub mod theme;
pub mod views;

use config::{Paths, Settings};
use keymap::Keymap;
use msg::SourcePlan;
use theme::Theme;

/// Load the configuration (errors name the file and line, before the terminal is touched)
/// and run the workbench on `plan`.
pub fn launch(
    plan: SourcePlan,
    workspace: Option<std::path::PathBuf>,
    allow_changes: bool,
) -> Result<(), String> {
    let started = std::time::Instant::now();
    let paths = Paths::discover();
    let settings = Settings::load(&paths).map_err(|e| e.to_string())?;
    let keymap = Keymap::load(&paths).map_err(|e| e.to_string())?;
    let no_color = theme::no_color_requested(&|k| std::env::var(k).ok());
    let theme =
        Theme::load(&paths, settings.theme.as_deref(), no_color).map_err(|e| e.to_string())?;
    // Triage and rules before the terminal: a damaged file or a held lock is an ordinary
    // error naming the file.
    let state = persist::WorkState::load(workspace.as_deref(), &paths)?;
    let log = log::Log::open(&paths.log_file());
    for w in &paths.warnings {
        log.line(w);
    }
    run::run(run::Setup {
        plan,
        keymap,
        theme,
        log,
        export_dir: workspace
            .as_ref()
            .unwrap_or(&paths.data_dir)
            .join("exports"),
        session_dir: workspace.unwrap_or(paths.data_dir.clone()),
        started,
        state,
        allow_changes,
    })
}
