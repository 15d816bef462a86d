//! Classification and corrections on hand-made fixtures with known answers.

use super::classify::{
    candidates, data_stores, image_repository_name, is_system_path, store_image,
};
use super::overrides::Overrides;
use crate::model::{Mount, PodSpec, Volume, VolumeMount, Workload, WorkloadKind};
use crate::testkit;

fn names(s: &crate::model::Snapshot) -> Vec<String> {
    data_stores(s).iter().map(|d| d.name()).collect()
}

fn with_image(name: &str, image: &str) -> crate::model::Container {
    let mut c = testkit::container(name);
    c.image = image.to_string();
    c
}

#[test]
fn image_names_match_the_repository_not_substrings() {
    assert_eq!(
        image_repository_name("registry:5000/lib/postgres:15@sha256:ab"),
        "postgres"
    );
    assert_eq!(image_repository_name("bitnami/kafka:3.6.1"), "kafka");
    assert_eq!(
        store_image("quay.io/minio/minio:RELEASE.2024"),
        Some("MinIO (object storage)")
    );
    assert_eq!(
        store_image("redis:6.2-alpine"),
        Some("Redis (key-value store)")
    );
    assert_eq!(
        store_image("prometheuscommunity/postgres-exporter:v0.15"),
        None
    );
    assert_eq!(store_image("oliver006/redis_exporter"), None);
    assert_eq!(store_image("rediscommander/redis-commander"), None);
    assert_eq!(store_image("mongo-express:1"), None);
    assert_eq!(store_image("postgresql-client"), None);
    assert_eq!(store_image("adminer:4.8.1"), None);
}

#[test]
fn system_paths_are_not_data() {
    for p in [
        "/",
        "/etc",
        "/etc/letsencrypt",
        "/proc",
        "/var/run/docker.sock",
        "/var/log/",
    ] {
        assert!(is_system_path(p), "{p}");
    }
    for p in [
        "/srv/minio/data",
        "/mnt/backups",
        "/data",
        "/var/lib/app",
        "/etcetera",
    ] {
        assert!(!is_system_path(p), "{p}");
    }
}

#[test]
fn docker_stores_by_image_volume_and_bind() {
    let db = with_image("db", "postgres:16");
    let exporter = with_image("pg-exporter", "prometheuscommunity/postgres-exporter:v0.15");
    let mut files = testkit::container("files");
    files.mounts = vec![
        Mount {
            kind: "bind".into(),
            source: "/srv/uploads".into(),
            destination: "/uploads".into(),
            rw: true,
            propagation: String::new(),
        },
        Mount {
            kind: "bind".into(),
            source: "/etc/ssl".into(),
            destination: "/etc/ssl".into(),
            rw: true,
            propagation: String::new(),
        },
    ];
    let mut config_only = testkit::container("web");
    config_only.mounts = vec![Mount {
        kind: "bind".into(),
        source: "/srv/web/conf".into(),
        destination: "/conf".into(),
        rw: false,
        propagation: String::new(),
    }];
    let mut cache = testkit::container("cache");
    cache.mounts = vec![Mount {
        kind: "volume".into(),
        source: "cachedata".into(),
        destination: "/data".into(),
        rw: true,
        propagation: String::new(),
    }];
    cache
        .labels
        .insert("docket.io/data-classification", "personal, health");
    cache.labels.insert("docket.io/owner", "team@x");
    let s = testkit::docker(vec![db, exporter, files, config_only, cache]);
    assert_eq!(
        names(&s),
        ["Container db", "Container files", "Container cache"]
    );
    let stores = data_stores(&s);
    assert_eq!(
        stores[0].why,
        ["image postgres:16: PostgreSQL (relational database)"]
    );
    assert_eq!(
        stores[0].unknown,
        [
            "no persistent volume: data lives in memory or the container's writable layer \
             (lost when it is re-created, unless replicated elsewhere)",
            "data categories unknown: no docket.io/data-classification label",
            "owner unknown: no docket.io/owner label",
        ]
    );
    assert_eq!(
        stores[1].why,
        ["host path /srv/uploads mounted read-write at /uploads"]
    );
    assert_eq!(stores[1].storage, ["host path /srv/uploads -> /uploads"]);
    assert_eq!(stores[2].storage, ["volume cachedata -> /data"]);
    assert_eq!(stores[2].categories, ["personal", "special-category"]);
    assert_eq!(stores[2].owner.as_deref(), Some("team@x"));
    assert!(stores[2].unknown.is_empty(), "{:?}", stores[2].unknown);
}

#[test]
fn labels_mark_and_veto() {
    let mut marked = testkit::container("ledger");
    marked.labels.insert("docket.io/data-store", "true");
    let mut vetoed = with_image("scratch-redis", "redis:7");
    vetoed.labels.insert("docket.io/data-store", "false");
    let s = testkit::docker(vec![marked, vetoed]);
    assert_eq!(names(&s), ["Container ledger"]);
    let all = candidates(&s);
    assert_eq!(
        all[1].veto.as_deref(),
        Some("label docket.io/data-store=false")
    );
}

fn sts(ns: &str, name: &str, image: &str) -> Workload {
    let mut w = testkit::deployment(ns, name);
    w.kind = WorkloadKind::StatefulSet;
    w.pod.containers[0].image = image.to_string().into();
    w
}

#[test]
fn kubernetes_stores_by_image_label_pvc_and_claim_template() {
    // Image + volumeClaimTemplate (a mount with no pod volume on a StatefulSet).
    let mut pg = sts("data", "pg", "postgres:15.4");
    pg.pod.containers[0].volume_mounts = vec![VolumeMount {
        name: "data".into(),
        mount_path: "/var/lib/postgresql/data".into(),
        read_only: false,
    }];
    // Label only.
    let mut labelled = testkit::deployment("data", "ledger");
    labelled
        .pod
        .labels
        .insert("app.kubernetes.io/component", "database");
    // PVC only, on an unknown image.
    let mut files = testkit::deployment("web", "uploads");
    files.pod.volumes = vec![Volume {
        name: "store".into(),
        kind: "persistentVolumeClaim".into(),
        host_path: None,
        reference: Some("uploads-pvc".into()),
    }];
    files.pod.containers[0].volume_mounts = vec![VolumeMount {
        name: "store".into(),
        mount_path: "/srv".into(),
        read_only: false,
    }];
    // Not a store: an exporter, and an app with only an emptyDir and a read-only hostPath.
    let exporter = sts(
        "data",
        "pg-exporter",
        "quay.io/prometheuscommunity/postgres-exporter:v0.15",
    );
    let mut app = testkit::deployment("web", "api");
    app.pod.volumes = vec![
        Volume {
            name: "tmp".into(),
            kind: "emptyDir".into(),
            ..Default::default()
        },
        Volume {
            name: "logs".into(),
            kind: "hostPath".into(),
            host_path: Some("/srv/logs".into()),
            reference: None,
        },
    ];
    app.pod.containers[0].volume_mounts = vec![
        VolumeMount {
            name: "tmp".into(),
            mount_path: "/tmp".into(),
            read_only: false,
        },
        VolumeMount {
            name: "logs".into(),
            mount_path: "/logs".into(),
            read_only: true,
        },
    ];
    let mut s = testkit::kube(vec![pg, labelled, files, exporter, app]);
    let mut ns = testkit::namespace("data");
    ns.meta
        .labels
        .insert("docket.io/data-classification", "payment");
    s.kube.namespaces.push(ns);
    assert_eq!(
        names(&s),
        [
            "StatefulSet data/pg",
            "Deployment data/ledger",
            "Deployment web/uploads"
        ]
    );
    let stores = data_stores(&s);
    assert_eq!(
        stores[0].why,
        [
            "image postgres:15.4 [app]: PostgreSQL (relational database)",
            "volumeClaimTemplate data (PVCs data-pg-<ordinal>) mounted at /var/lib/postgresql/data [app]",
            "categories from namespace data label docket.io/data-classification=payment",
        ]
    );
    assert_eq!(
        stores[0].storage,
        ["PVC data-pg-<ordinal> (volumeClaimTemplate data) -> /var/lib/postgresql/data"]
    );
    assert_eq!(stores[0].categories, ["payment"]);
    assert_eq!(
        stores[1].why[0],
        "label app.kubernetes.io/component=database"
    );
    assert_eq!(stores[2].why, ["PVC uploads-pvc mounted at /srv [app]"]);
    assert_eq!(
        stores[2].unknown,
        [
            "data categories unknown: no docket.io/data-classification label",
            "owner unknown: no docket.io/owner label"
        ]
    );
}

const FILE: &str = r#"
[[store]]
resource = "Container db"
data_store = false
reason = "test database, synthetic data"

[[store]]
resource = "Container files"
categories = ["special-category"]
owner = "records@x"
purpose = "scans"

[[store]]
resource = "Container web"
data_store = true

[[store]]
resource = "StatefulSet nowhere/*"
data_store = false
"#;

#[test]
fn overrides_unmark_mark_set_and_report_unmatched() {
    let db = with_image("db", "postgres:16");
    let mut files = testkit::container("files");
    files.mounts = vec![Mount {
        kind: "volume".into(),
        source: "scans".into(),
        destination: "/scans".into(),
        rw: true,
        propagation: String::new(),
    }];
    let web = testkit::container("web");
    let s = testkit::docker(vec![db, files, web]);
    let o = Overrides::from_toml(FILE, "ws/dpia.toml").unwrap();
    assert_eq!(o.entries.len(), 4);
    let applied = o.apply(candidates(&s));
    let got: Vec<String> = applied.stores.iter().map(|d| d.name()).collect();
    assert_eq!(got, ["Container files", "Container web"]);
    assert_eq!(applied.excluded.len(), 1);
    assert_eq!(applied.excluded[0].resource.name, "db");
    assert_eq!(
        applied.excluded[0].reason,
        "ws/dpia.toml:2: test database, synthetic data"
    );
    let files = &applied.stores[0];
    assert_eq!(files.categories, ["special-category"]);
    assert_eq!(files.owner.as_deref(), Some("records@x"));
    assert_eq!(files.purpose.as_deref(), Some("scans"));
    assert_eq!(
        files.why.last().map(String::as_str),
        Some("categories set by ws/dpia.toml:7")
    );
    assert!(files.unknown.is_empty(), "{:?}", files.unknown);
    assert_eq!(
        applied.stores[1].why,
        ["marked as a data store by ws/dpia.toml:13"]
    );
    assert_eq!(
        applied.warnings,
        [
            "ws/dpia.toml:17: the correction for \"StatefulSet nowhere/*\" matches no container \
          or workload in this scan; check the kind, namespace and name against the register, \
          or delete it"
        ]
    );
}

#[test]
fn override_errors_are_located() {
    let cases = [
        (
            "[[store]]\nresource = \"db\"\ndata_store = false\n",
            "x.toml:1:1: resource \"db\" names no kind",
        ),
        (
            "\n[[store]]\nresource = \"Container db\"\ncategories = [\"secret\"]\n",
            "x.toml:2:1: unknown data category \"secret\" for Container db",
        ),
        (
            "[[store]]\nresource = \"Container db\"\n",
            "x.toml:1:1: the correction for Container db changes nothing",
        ),
        (
            "[[store]]\nresource = \"Container db\"\nowner = 3\n",
            "x.toml:3:9: invalid DPIA corrections: invalid type: integer `3`, expected a string",
        ),
        (
            "[[store]]\nresourse = \"Container db\"\n",
            "x.toml:2:1: invalid DPIA corrections: unknown field `resourse`",
        ),
    ];
    for (text, want) in cases {
        let err = Overrides::from_toml(text, "x.toml")
            .unwrap_err()
            .to_string();
        let first = err.lines().next().unwrap_or_default();
        assert!(first.starts_with(want), "got {first:?}, want {want:?}");
    }
}

#[test]
fn pod_spec_without_volumes_is_not_a_store() {
    let mut w = testkit::deployment("web", "site");
    w.pod = PodSpec {
        containers: vec![testkit::kcontainer("nginx")],
        ..Default::default()
    };
    assert!(names(&testkit::kube(vec![w])).is_empty());
}

#[test]
fn unmarking_a_non_store_is_reported() {
    let s = testkit::docker(vec![testkit::container("web")]);
    let o = Overrides::from_toml(
        "[[store]]\nresource = \"Container web\"\ndata_store = false\n",
        "d.toml",
    )
    .unwrap();
    let applied = o.apply(candidates(&s));
    assert!(applied.stores.is_empty());
    assert!(applied.excluded.is_empty());
    assert_eq!(
        applied.warnings,
        [
            "d.toml:1: Container web is not classified as a data store; the correction has \
          nothing to unmark"
        ]
    );
}

#[test]
fn dpia_stays_free_of_io_and_ui_crates() {
    let files = [
        include_str!("mod.rs"),
        include_str!("classify.rs"),
        include_str!("images.rs"),
        include_str!("measures.rs"),
        include_str!("overrides.rs"),
        include_str!("register.rs"),
        include_str!("risks.rs"),
        include_str!("systems.rs"),
        include_str!("../report/dpia_csv.rs"),
        include_str!("../report/dpia_markdown.rs"),
    ];
    for text in files {
        for line in text.lines().filter(|l| l.trim_start().starts_with("use ")) {
            for banned in [
                "bollard",
                "kube::",
                "k8s_openapi",
                "ratatui",
                "crossterm",
                "tokio",
                "std::fs",
            ] {
                assert!(!line.contains(banned), "{line}");
            }
        }
    }
}
