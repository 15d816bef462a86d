//! The DPIA register as Markdown: a summary table of the processing systems, then one
//! section per system (stores, why they are stores, paths from outside, failing and
//! in-place measures, residual risks, unknowns), the reviewer's exclusions and how the
//! register was built. Text from data is escaped with [`super::markdown::text`].

use std::fmt::Write as _;

use super::dpia_csv::failing;
use super::markdown::{code, text};
use crate::dpia::reach::Exposure;
use crate::dpia::{Register, RegisterRow};

/// Paths listed per store; the rest are counted.
const PATHS_SHOWN: usize = 4;

pub fn render(register: &Register) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# DPIA register\n");
    let from = if register.sources.is_empty() {
        "the given inputs".to_string()
    } else {
        register
            .sources
            .iter()
            .map(|s| text(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        o,
        "A starting point for a data protection impact assessment (GDPR Art. 35) and the \
         record of processing (Art. 30), built by Docket from {from} (snapshot {}). It shows \
         what the configuration says; purposes, legal bases, recipients and retention need \
         the people who run the processing.\n",
        text(&register.snapshot_time)
    );
    summary(&mut o, register);
    for row in &register.rows {
        system(&mut o, row);
    }
    reviewer(&mut o, register);
    method(&mut o);
    o
}

fn summary(o: &mut String, register: &Register) {
    let _ = writeln!(o, "## Processing systems\n");
    if register.rows.is_empty() {
        let _ = writeln!(o, "No data store was found in this scan.\n");
        return;
    }
    let _ = writeln!(
        o,
        "| System | Scope | Data stores | Categories | Internet exposure | Failing measures | Owner |\n\
         |---|---|---:|---|---|---:|---|"
    );
    for r in &register.rows {
        let count = |e: &Exposure| r.stores.iter().filter(|s| &s.reach.exposure == e).count();
        let (direct, hop) = (count(&Exposure::Direct), count(&Exposure::OneHop));
        let exposure = match (direct, hop) {
            (0, 0) => "none found".to_string(),
            (d, 0) => format!("{d} direct"),
            (0, h) => format!("{h} one hop"),
            (d, h) => format!("{d} direct, {h} one hop"),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} |",
            text(&r.system),
            text(&r.scope),
            r.stores.len(),
            list_or(&r.categories, "unknown"),
            exposure,
            r.measures_failing.len(),
            list_or(&r.owners, "unknown")
        );
    }
    o.push('\n');
}

fn list_or(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        format!("*{empty}*")
    } else {
        items.iter().map(|s| text(s)).collect::<Vec<_>>().join(", ")
    }
}

fn system(o: &mut String, r: &RegisterRow) {
    let _ = writeln!(o, "## {}\n", text(&r.title()));
    let _ = writeln!(o, "- Grouped by: {}", text(&r.grouped_by));
    let _ = writeln!(
        o,
        "- Data categories: {}",
        list_or(&r.categories, "unknown")
    );
    let _ = writeln!(o, "- Owner: {}", list_or(&r.owners, "unknown"));
    let purposes = if r.purposes.is_empty() {
        "*not recorded*".to_string()
    } else {
        r.purposes
            .iter()
            .map(|s| text(s))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let _ = writeln!(o, "- Purpose: {purposes}");
    let _ = writeln!(
        o,
        "- Retention: {}\n",
        list_or(&r.retention, "not recorded")
    );

    let _ = writeln!(o, "### Data stores\n");
    let _ = writeln!(
        o,
        "| Data store | Categories | Stored in | Who can connect | Internet exposure | Failing checks |\n\
         |---|---|---|---|---|---|"
    );
    for e in &r.stores {
        let storage = if e.store.storage.is_empty() {
            "*no persistent volume*".to_string()
        } else {
            e.store
                .storage
                .iter()
                .map(|s| code(s))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            code(&e.store.name()),
            list_or(&e.store.categories, "unknown"),
            storage,
            text(&e.inside()),
            text(e.reach.exposure.label()),
            list_or(&e.failing, "none")
        );
    }
    o.push('\n');

    let _ = writeln!(o, "### Why these are data stores\n");
    for e in &r.stores {
        let why: Vec<String> = e.store.why.iter().map(|w| text(w)).collect();
        let _ = writeln!(o, "- {}: {}", code(&e.store.name()), why.join("; "));
    }
    o.push('\n');

    let _ = writeln!(o, "### Paths from outside\n");
    let mut any = false;
    for e in &r.stores {
        let ext: Vec<_> = e.reach.paths.iter().filter(|p| p.is_external()).collect();
        if ext.is_empty() {
            continue;
        }
        any = true;
        let total = ext.len() + e.reach.paths_omitted;
        let _ = writeln!(o, "- {} ({total}):", code(&e.store.name()));
        // Direct paths first (the connection map's order), then a few one-hop examples.
        for p in ext.iter().take(PATHS_SHOWN) {
            let _ = writeln!(o, "  - {}", code(&p.display()));
        }
        if total > PATHS_SHOWN {
            let _ = writeln!(
                o,
                "  - and {} more (the CSV export lists every path)",
                total - PATHS_SHOWN
            );
        }
    }
    if !any {
        let _ = writeln!(o, "None found.");
    }
    o.push('\n');

    let _ = writeln!(o, "### Security measures failing (GDPR Art. 32, Art. 25)\n");
    if r.measures_failing.is_empty() {
        let _ = writeln!(o, "None found by the checks that ran.\n");
    } else {
        for m in &r.measures_failing {
            let _ = writeln!(o, "- {}", text(&failing(m)));
        }
        o.push('\n');
    }
    let _ = writeln!(o, "### Security measures in place\n");
    if r.measures_in_place.is_empty() {
        let _ = writeln!(o, "None shown by the checks that ran.\n");
    } else {
        let _ = writeln!(
            o,
            "These GDPR Art. 32 / 25 checks ran on the system's resources and found none of \
             these problems:\n"
        );
        let items: Vec<String> = r
            .measures_in_place
            .iter()
            .map(|m| format!("{} {}", m.check_id, text(&m.title)))
            .collect();
        let _ = writeln!(o, "{}\n", items.join("; "));
    }
    let _ = writeln!(o, "### Residual risks\n");
    if r.residual_risks.is_empty() {
        let _ = writeln!(
            o,
            "None derived from the scan (the assessment still needs a person).\n"
        );
    } else {
        for (i, risk) in r.residual_risks.iter().enumerate() {
            let _ = writeln!(o, "{}. {}", i + 1, text(risk));
        }
        o.push('\n');
    }
    let _ = writeln!(o, "### Unknown\n");
    if r.unknown.is_empty() {
        let _ = writeln!(o, "Nothing known to be missing.\n");
    } else {
        for u in &r.unknown {
            let _ = writeln!(o, "- {}", text(u));
        }
        o.push('\n');
    }
}

fn reviewer(o: &mut String, register: &Register) {
    if register.excluded.is_empty() && register.warnings.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Reviewer corrections\n");
    for x in &register.excluded {
        let _ = writeln!(
            o,
            "- {} excluded by {}",
            code(&crate::dpia::resource_name(&x.resource)),
            text(&x.reason)
        );
    }
    for w in &register.warnings {
        let _ = writeln!(o, "- Warning: {}", text(w));
    }
    o.push('\n');
}

fn method(o: &mut String) {
    let _ = writeln!(
        o,
        "## How this register is built\n\n\
         - A container or workload is a data store when its image is a known data-store \
         product (matched on the repository name), it is labelled \
         `app.kubernetes.io/component=database` (or cache, storage, queue, ...) or \
         `docket.io/data-store=true`, or it mounts a PersistentVolumeClaim, a Docker named \
         volume or a writable host path that is not system state. \
         `docket.io/data-store=false` and `dpia.toml` in the workspace correct it.\n\
         - Categories, owner, purpose and retention come from the labels \
         `docket.io/data-classification`, `docket.io/owner`, `docket.io/purpose` and \
         `docket.io/retention` (Kubernetes: the namespace's labels as a default).\n\
         - Systems: Kubernetes stores are grouped by `app.kubernetes.io/part-of`, else \
         `app.kubernetes.io/name`, else namespace; Docker stores by compose project, else a \
         shared user-defined network, else alone.\n\
         - Measures are the checks serving GDPR Art. 32 or Art. 25, evaluated on the stores, \
         their images and host (Docker) or their Services, Ingresses and namespace (Kubernetes)."
    );
}
