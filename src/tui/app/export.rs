//! `ctrl-s` / `:export FORMAT`: the current view as the operator sees it (filtered,
//! sorted) written to a file. The text is built here (pure); the runtime writes it.

use super::route::Route;
use super::table::TableState;
use super::App;
use crate::tui::msg::Effect;
use crate::tui::rows::TableRow;

impl App {
    pub(super) fn export(&mut self, format: &str) -> Vec<Effect> {
        let (name, content) = match self.route() {
            Route::Findings { .. } => ("findings".to_string(), render(&self.findings, format)),
            Route::Checks => ("checks".to_string(), render(&self.checks, format)),
            Route::Inventory => {
                let tab = self.inventory_tab.title().to_ascii_lowercase();
                match self.inventory.get(self.inventory_index()) {
                    Some(t) => (tab, render(t, format)),
                    None => return Vec::new(),
                }
            }
            _ => {
                self.say("ctrl-s exports a table view: findings, inventory or checks".into());
                return Vec::new();
            }
        };
        let stamp = self
            .data
            .as_ref()
            .map(|d| {
                d.scanned_at
                    .chars()
                    .take(19)
                    .filter(|c| !matches!(c, ':' | '-'))
                    .collect::<String>()
            })
            .unwrap_or_default();
        let ext = if format == "md" { "md" } else { format };
        let path = self.export_dir.join(format!("docket-{name}-{stamp}.{ext}"));
        vec![Effect::Write { path, content }]
    }
}

impl App {
    /// `:export session FORMAT`: the runtime reads the log back, records the export and
    /// writes the file naming the log's head hash.
    pub(super) fn export_session(&mut self, format: &str) -> Vec<Effect> {
        let Some(format) = crate::report::session::SessionFormat::parse(format) else {
            return Vec::new();
        };
        if self.data.is_none() {
            self.say("nothing to export yet: wait for the first scan".into());
            return Vec::new();
        }
        let stamp: String = crate::findings::triage::timestamp((self.clock)())
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == 'T')
            .collect();
        let path = self
            .export_dir
            .join(format!("docket-session-{stamp}.{}", format.extension()));
        vec![Effect::ExportSession { format, path }]
    }
}

/// The visible rows of a table in `format` (csv, md, json). Cells are what the screen
/// shows, so secrets are already redacted.
pub fn render<R: TableRow>(t: &TableState<R>, format: &str) -> String {
    let titles: Vec<&str> = t.columns.iter().map(|c| c.title).collect();
    let rows = t.view.visible.iter().map(|&i| t.rows[i as usize].cells());
    match format {
        "md" => {
            let mut out = format!(
                "| {} |\n|{}\n",
                titles.join(" | "),
                "---|".repeat(titles.len())
            );
            for cells in rows {
                let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            out
        }
        "json" => {
            let items: Vec<serde_json::Value> = rows
                .map(|cells| {
                    serde_json::Value::Object(
                        titles
                            .iter()
                            .zip(cells.iter())
                            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string().into()))
                            .collect(),
                    )
                })
                .collect();
            serde_json::to_string_pretty(&items).unwrap_or_default()
        }
        _ => {
            let mut out = titles
                .iter()
                .map(|t| csv_cell(t))
                .collect::<Vec<_>>()
                .join(",");
            out.push('\n');
            for cells in rows {
                out.push_str(
                    &cells
                        .iter()
                        .map(|c| csv_cell(c))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push('\n');
            }
            out
        }
    }
}

/// RFC 4180 quoting, and a leading `'` for cells a spreadsheet would run as a formula.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
