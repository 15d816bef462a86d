//! The DPIA register on the demo (exact store set, reachability and failing measures per
//! store), its golden CSV and Markdown, a 403 on NetworkPolicies, and `docket dpia` exit codes.
//!
//! Goldens live in `tests/golden/dpia/`; after an intended change regenerate them with
//! `DOCKET_UPDATE_GOLDEN=1 cargo test --test dpia_register` and review the diff.

use std::path::Path;
use std::process::{Command, Output};

use docket::checks::{self, Selection};
use docket::dpia::reach::{Exposure, Reachability};
use docket::dpia::{register, Overrides, Register};
use docket::model::{DataKind, Snapshot};
use docket::report::{dpia_csv, dpia_markdown};

fn demo() -> Snapshot {
    docket::sources::demo::load()
        .expect("the embedded demo loads")
        .snapshot
}

fn demo_register(overrides: &Overrides) -> Register {
    let snap = demo();
    let scan = checks::run(&snap, &Selection::default());
    register(&snap, &scan, overrides)
}

#[test]
fn demo_lists_exactly_the_data_stores() {
    let reg = demo_register(&Overrides::default());
    let names: Vec<String> = reg.stores.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "Container lumen-postgres-1",
            "Container lumen-redis-1",
            "Container lumen-api-1",
            "Container jenkins",
            "Container netdata",
            "Container lumen-minio-1",
            "Container lumen-backup-run-3f9a1c2d7e64",
            "Container lumen-labdrop-1",
            "StatefulSet data/postgres",
            "StatefulSet data/redis",
            "StatefulSet data/kafka",
            "Deployment data/document-store",
            "CronJob data/postgres-backup",
            "Deployment monitoring/prometheus",
        ]
    );
    let rows: Vec<(String, usize)> = reg
        .rows
        .iter()
        .map(|r| (r.title(), r.stores.len()))
        .collect();
    assert_eq!(
        rows,
        [
            ("jenkins (Docker legacy-01)".to_string(), 1),
            ("lumen (Docker legacy-01)".to_string(), 6),
            ("netdata (Docker legacy-01)".to_string(), 1),
            ("kube-prometheus (Kubernetes lumen-prod)".to_string(), 1),
            ("lumen (Kubernetes lumen-prod)".to_string(), 5),
        ]
    );
    assert_eq!(reg.rows[1].grouped_by, "compose project lumen");
    assert_eq!(
        reg.rows[4].grouped_by,
        "label app.kubernetes.io/part-of=lumen"
    );
}

#[test]
fn every_demo_store_has_reachability_and_failing_measures() {
    let reg = demo_register(&Overrides::default());
    for row in &reg.rows {
        for e in &row.stores {
            let name = e.store.name();
            assert!(
                !matches!(e.reach.reach, Reachability::Unknown { .. }),
                "{name}: {:?}",
                e.reach.reach
            );
            assert!(
                !matches!(e.reach.exposure, Exposure::Unknown { .. }),
                "{name}: {:?}",
                e.reach.exposure
            );
            assert!(!e.failing.is_empty(), "{name} has no failing measure");
            assert!(!e.store.why.is_empty(), "{name} has no reason");
        }
        assert!(!row.measures_failing.is_empty(), "{}", row.title());
        assert!(!row.residual_risks.is_empty(), "{}", row.title());
    }
    // Known answers on the Kubernetes patient database.
    let k = &reg.rows[4];
    let pg = &k.stores[0];
    assert_eq!(pg.store.name(), "StatefulSet data/postgres");
    assert_eq!(pg.store.categories, ["special-category"]);
    assert_eq!(
        pg.store.owner.as_deref(),
        Some("data-platform@lumen.health")
    );
    assert_eq!(
        pg.store.storage,
        ["PVC data-postgres-<ordinal> (volumeClaimTemplate data) -> /var/lib/postgresql/data"]
    );
    // The allow-api-to-postgres policy selects `app: postgresql`, not the pods.
    assert_eq!(pg.reach.reach, Reachability::ClusterWide);
    assert!(
        pg.failing.contains(&"KN-001".to_string()),
        "{:?}",
        pg.failing
    );
    assert!(
        pg.failing.contains(&"KW-014".to_string()),
        "{:?}",
        pg.failing
    );
    // The Docker minio publishes its console on all interfaces.
    let minio = reg.rows[1]
        .stores
        .iter()
        .find(|e| e.store.name() == "Container lumen-minio-1")
        .expect("minio is a store");
    assert_eq!(minio.reach.exposure, Exposure::Direct);
    assert!(
        minio.failing.contains(&"DC-023".to_string()),
        "{:?}",
        minio.failing
    );
    assert!(
        reg.rows[1].residual_risks[0].starts_with("Reachable from the internet"),
        "{:?}",
        reg.rows[1].residual_risks
    );
    // The failing measures are GDPR Art. 32 / 25 controls only.
    for m in reg.rows.iter().flat_map(|r| &r.measures_failing) {
        assert!(
            m.controls
                .iter()
                .all(|c| c.starts_with("Art. 32") || c == "Art. 25"),
            "{m:?}"
        );
    }
}

#[test]
fn overrides_change_the_demo_register() {
    let text = "[[store]]\nresource = \"StatefulSet data/kafka\"\ndata_store = false\n\
                reason = \"event bus, 1 h retention\"\n\n[[store]]\n\
                resource = \"Container lumen-redis-1\"\ncategories = [\"internal\"]\n\n\
                [[store]]\nresource = \"Deployment data/no-such-thing\"\nowner = \"x\"\n";
    let o = Overrides::from_toml(text, "ws/dpia.toml").expect("parses");
    let reg = demo_register(&o);
    assert_eq!(reg.stores.len(), 13);
    assert!(!reg
        .stores
        .iter()
        .any(|s| s.name() == "StatefulSet data/kafka"));
    assert_eq!(reg.excluded.len(), 1);
    assert_eq!(
        reg.excluded[0].reason,
        "ws/dpia.toml:1: event bus, 1 h retention"
    );
    let redis = reg
        .stores
        .iter()
        .find(|s| s.name() == "Container lumen-redis-1")
        .expect("redis");
    assert_eq!(redis.categories, ["internal"]);
    assert_eq!(reg.warnings.len(), 1);
    assert!(
        reg.warnings[0].starts_with(
            "ws/dpia.toml:10: the correction for \"Deployment data/no-such-thing\" matches no"
        ),
        "{}",
        reg.warnings[0]
    );
}

#[test]
fn forbidden_network_policies_make_reachability_unknown_in_the_register() {
    let mut snap = demo();
    snap.coverage
        .entries
        .retain(|e| e.kind != DataKind::KubeNetworkPolicies);
    snap.coverage.missing(
        DataKind::KubeNetworkPolicies,
        "cluster",
        "403 Forbidden: list networkpolicies",
    );
    snap.kube.network_policies.clear();
    let scan = checks::run(&snap, &Selection::default());
    let reg = register(&snap, &scan, &Overrides::default());
    let k = &reg.rows[4];
    for e in &k.stores {
        assert!(
            matches!(e.reach.reach, Reachability::Unknown { .. }),
            "{}: {:?}",
            e.store.name(),
            e.reach.reach
        );
    }
    assert!(
        k.unknown
            .iter()
            .any(|u| u.contains("403 Forbidden: list networkpolicies")),
        "{:#?}",
        k.unknown
    );
    assert!(
        k.residual_risks
            .iter()
            .any(|r| r.starts_with("Who can connect is unknown")),
        "{:#?}",
        k.residual_risks
    );
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/dpia")
        .join(name);
    if std::env::var_os("DOCKET_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with DOCKET_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs from the output; review and regenerate with DOCKET_UPDATE_GOLDEN=1 \
         cargo test --test dpia_register\n--- first differing line ---\n{:?}",
        path.display(),
        expected.lines().zip(actual.lines()).find(|(a, b)| a != b)
    );
}

#[test]
fn demo_register_markdown_golden() {
    let reg = demo_register(&Overrides::default());
    golden("demo.md", &dpia_markdown::render(&reg));
}

#[test]
fn demo_register_csv_golden() {
    let reg = demo_register(&Overrides::default());
    let csv = dpia_csv::render(&reg);
    assert!(
        csv.starts_with("system,scope,grouped_by,data_stores,"),
        "{csv}"
    );
    assert_eq!(csv.matches("\r\n").count(), 6, "header + 5 systems");
    golden("demo.csv", &csv);
}

#[test]
fn register_is_deterministic() {
    let a = demo_register(&Overrides::default());
    let b = demo_register(&Overrides::default());
    assert_eq!(a, b);
}

fn docket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the docket binary runs")
}

#[test]
fn cli_exit_codes_and_messages() {
    let ok = docket(&["dpia", "--demo", "--format", "csv"]);
    assert_eq!(ok.status.code(), Some(0));
    let reg = demo_register(&Overrides::default());
    assert_eq!(String::from_utf8_lossy(&ok.stdout), dpia_csv::render(&reg));
    let err = String::from_utf8_lossy(&ok.stderr);
    assert!(
        err.contains("14 data stores in 5 processing systems"),
        "{err}"
    );

    let none = docket(&["dpia"]);
    assert_eq!(none.status.code(), Some(2));

    let bad_format = docket(&["dpia", "--demo", "--format", "pdf"]);
    assert_eq!(bad_format.status.code(), Some(2));

    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope.toml");
    let o = docket(&["dpia", "--demo", "--overrides", &missing.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot read the DPIA corrections"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // A broken dpia.toml in the workspace: exit 2, file:line:col.
    std::fs::write(
        dir.path().join("dpia.toml"),
        "[[store]]\nresource = \"Container db\"\ncategories = [\"secret\"]\n",
    )
    .expect("write");
    let ws = dir.path().to_string_lossy().to_string();
    let o = docket(&["dpia", "--demo", "--workspace", &ws]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("dpia.toml:1:1: unknown data category \"secret\""),
        "{err}"
    );

    // An unmatched correction: exit 0, a warning naming file and line; -o writes the file.
    std::fs::write(
        dir.path().join("dpia.toml"),
        "[[store]]\nresource = \"Container db\"\ndata_store = false\n",
    )
    .expect("write");
    let out = dir.path().join("register.md");
    let o = docket(&[
        "dpia",
        "--demo",
        "--workspace",
        &ws,
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("dpia.toml:1: the correction for \"Container db\" matches no container"),
        "{err}"
    );
    let md = std::fs::read_to_string(&out).expect("register written");
    assert!(md.starts_with("# DPIA register\n"), "{md}");
    assert!(md.contains("## Reviewer corrections"), "{md}");
}
