//! The x-ray tree of one inventory row: the object, its containers with their images, and
//! the findings on each. Enter lists the same findings in the findings table.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::collections::BTreeMap;

use super::Ctx;
use crate::findings::Finding;
use crate::model::Snapshot;
use crate::tui::rows::{InventoryTab, ResourceKey};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, area: Rect, ctx: &Ctx, tab: InventoryTab, row: usize) {
    let app = ctx.app;
    let i = InventoryTab::ALL
        .iter()
        .position(|t| *t == tab)
        .unwrap_or(0);
    let (Some(r), Some(data)) = (
        app.inventory.get(i).and_then(|t| t.rows.get(row)),
        &app.data,
    ) else {
        frame.render_widget(Paragraph::new("this object is gone (rescanned)"), area);
        return;
    };
    let findings: Vec<&Finding> = r
        .findings()
        .iter()
        .filter_map(|&i| data.scan.findings.get(i))
        .filter(|f| !app.disabled.contains(&f.check_id))
        .collect();
    // Findings by container ("" = the object itself), containers in pod-spec order.
    let mut by_container: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in &findings {
        by_container
            .entry(f.resource.container.clone().unwrap_or_default())
            .or_default()
            .push(f);
    }
    let mut lines = vec![Line::from(vec![
        Span::styled(r.label().to_string(), ctx.style(Role::Title)),
        Span::styled(
            format!("  {} findings", findings.len()),
            ctx.style(Role::Muted),
        ),
    ])];
    let containers = containers_of(&data.snapshot, &r.key);
    let mut names: Vec<String> = containers.iter().map(|(n, _)| n.clone()).collect();
    for k in by_container.keys().filter(|k| !k.is_empty()) {
        if !names.contains(k) {
            names.push(k.clone());
        }
    }
    let own = by_container.get("").map(Vec::as_slice).unwrap_or(&[]);
    let last_branch = names.is_empty();
    push_findings(&mut lines, ctx, own, "", last_branch);
    for (n, name) in names.iter().enumerate() {
        let last = n + 1 == names.len();
        let image = containers
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, i)| i.as_str())
            .unwrap_or("");
        lines.push(Line::from(vec![
            Span::styled(if last { "└─ " } else { "├─ " }, ctx.style(Role::Border)),
            Span::styled(format!("container {name}"), ctx.style(Role::Accent)),
            Span::styled(format!("  image {image}"), ctx.style(Role::Muted)),
        ]));
        let fs = by_container.get(name).map(Vec::as_slice).unwrap_or(&[]);
        push_findings(&mut lines, ctx, fs, if last { "   " } else { "│  " }, true);
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(ctx.block(" x-ray (enter: these findings as a table) "))
            .scroll((app.scroll, 0)),
        area,
    );
}

fn push_findings(
    lines: &mut Vec<Line>,
    ctx: &Ctx,
    fs: &[&Finding],
    indent: &str,
    last_group: bool,
) {
    for (i, f) in fs.iter().enumerate() {
        let last = last_group && i + 1 == fs.len();
        lines.push(Line::from(vec![
            Span::styled(
                format!("{indent}{}", if last { "└─ " } else { "├─ " }),
                ctx.style(Role::Border),
            ),
            Span::styled(
                format!("{:<9}", f.severity.as_str()),
                ctx.theme.severity(f.severity),
            ),
            Span::styled(format!("{} ", f.check_id), ctx.style(Role::Text)),
            Span::styled(f.message.clone(), ctx.style(Role::Muted)),
        ]));
    }
}

/// (container name, image) of the object, from the snapshot: a workload's pod-spec
/// containers, or the container itself.
fn containers_of(snap: &Snapshot, key: &ResourceKey) -> Vec<(String, String)> {
    match key {
        ResourceKey::Workload {
            kind,
            namespace,
            name,
        } => snap
            .kube
            .workloads
            .iter()
            .find(|w| {
                w.kind == *kind && &w.meta.name == name && w.meta.namespace_str() == namespace
            })
            .map(|w| {
                w.pod
                    .init_containers
                    .iter()
                    .chain(w.pod.containers.iter())
                    .map(|c| (c.name.to_string(), c.image.to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
