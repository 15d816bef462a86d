//! Connection map (issue 7, part 2) on hand-made fixtures with known answers
//! (`tests/fixtures/dpia/`: a kubectl manifest file and `docker inspect` JSON, loaded through
//! the real file parsers) and on the embedded demo.

use docket::dpia::reach::{
    connection_map_of, ConnectionMap, Exposure, Reachability, Source, SourceKind, StoreReach,
};
use docket::findings::ResourceRef;
use docket::model::{DataKind, Snapshot};

fn load(name: &str) -> Snapshot {
    let path = format!("{}/tests/fixtures/dpia/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let loaded = docket::sources::load_bytes(&path, &bytes).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.snapshot
}

fn shop() -> Snapshot {
    load("shop.yaml")
}

fn docker() -> Snapshot {
    let mut s = load("docker-containers.json");
    s.merge(load("docker-networks.json"));
    s
}

fn kube(kind: &str, ns: &str, name: &str) -> ResourceRef {
    ResourceRef::kube(kind, Some(ns), name)
}

fn ctr(name: &str) -> ResourceRef {
    ResourceRef::docker("Container", name, "")
}

fn map(s: &Snapshot, stores: &[ResourceRef]) -> ConnectionMap {
    let refs: Vec<&ResourceRef> = stores.iter().collect();
    connection_map_of(s, &refs)
}

fn one(s: &Snapshot, store: ResourceRef) -> StoreReach {
    map(s, &[store]).stores.remove(0)
}

fn paths(r: &StoreReach) -> Vec<String> {
    r.paths.iter().map(|p| p.display()).collect()
}

fn tree(r: &StoreReach) -> Vec<String> {
    r.tree().iter().map(|l| l.text()).collect()
}

// ---- Kubernetes ----------------------------------------------------------------------

#[test]
fn store_reachable_only_through_a_network_policy_allow_rule() {
    let r = one(&shop(), kube("StatefulSet", "shop", "orders-db"));
    let gb = "NetworkPolicy shop/orders-db-ingress".to_string();
    assert_eq!(
        r.reach,
        Reachability::Restricted {
            sources: vec![
                Source {
                    kind: SourceKind::Pods,
                    description: "pods app=orders-api in namespace shop".into(),
                    members: vec![kube("Deployment", "shop", "orders-api")],
                    ports: vec!["5432".into()],
                    granted_by: gb.clone(),
                },
                Source {
                    kind: SourceKind::Namespaces,
                    description: "any pod in namespaces labelled team=data (matches: analytics)"
                        .into(),
                    members: vec![kube("Deployment", "analytics", "reporter")],
                    ports: vec!["5432".into()],
                    granted_by: gb.clone(),
                },
                Source {
                    kind: SourceKind::IpBlock,
                    description: "addresses in 10.20.0.0/16 except 10.20.5.0/24".into(),
                    members: vec![],
                    ports: vec!["5432".into()],
                    granted_by: gb,
                },
            ]
        }
    );
    assert_eq!(r.exposure, Exposure::OneHop);
    assert_eq!(r.services, vec![kube("Service", "shop", "orders-db")]);
    assert_eq!(
        paths(&r),
        vec![
            "Internet -[80]-> Ingress shop/shop http://shop.example.com/ -[80]-> Service shop/orders-api \
             -[http]-> Deployment shop/orders-api -[5432]-> StatefulSet shop/orders-db"
        ]
    );
    assert_eq!(
        r.summary,
        "reachable from the internet in one hop via Ingress shop/shop http://shop.example.com/ -> \
         Service shop/orders-api -> Deployment shop/orders-api -> StatefulSet shop/orders-db; \
         only from pods app=orders-api in namespace shop (Deployment orders-api) on 5432; \
         any pod in namespaces labelled team=data (matches: analytics) (Deployment reporter) on 5432; \
         addresses in 10.20.0.0/16 except 10.20.5.0/24 on 5432"
    );
    assert_eq!(r.unknown, Vec::<String>::new());
}

#[test]
fn store_exposed_through_an_ingress() {
    let r = one(&shop(), kube("Deployment", "search", "search"));
    assert_eq!(r.reach, Reachability::ClusterWide);
    assert_eq!(r.exposure, Exposure::Direct);
    assert_eq!(
        paths(&r)[0],
        "Internet -[443]-> Ingress search/search https://search.example.com/ -[http]-> \
         Service search/search -[9200]-> Deployment search/search"
    );
    assert!(!r.paths[0].one_hop);
    assert_eq!(
        r.summary.split("; ").collect::<Vec<_>>(),
        vec![
            "reachable from the internet via Ingress search/search https://search.example.com/ -> \
             Service search/search -> Deployment search/search (+3 more)",
            "any pod in the cluster (no NetworkPolicy selects it)"
        ]
    );
    assert_eq!(
        tree(&r)[..4],
        [
            "Internet",
            "  -[443]-> Ingress search/search https://search.example.com/",
            "    -[http]-> Service search/search",
            "      -[9200]-> Deployment search/search",
        ]
    );
}

#[test]
fn store_without_any_policy_is_reachable_cluster_wide_egress_policies_do_not_count() {
    let r = one(&shop(), kube("StatefulSet", "cache", "redis"));
    assert_eq!(r.reach, Reachability::ClusterWide);
    assert_eq!(r.exposure, Exposure::OneHop);
    assert_eq!(
        paths(&r),
        vec![
            "Internet -[80]-> Ingress shop/shop http://shop.example.com/ -[80]-> Service shop/orders-api -[http]-> Deployment shop/orders-api -> StatefulSet cache/redis",
            "Internet -[443]-> Ingress search/search https://search.example.com/ -[http]-> Service search/search -[9200]-> Deployment search/search -> StatefulSet cache/redis",
            "Internet -[30306]-> Service legacy/mysql (NodePort on every node) -[3306]-> Deployment legacy/mysql -> StatefulSet cache/redis",
            "Internet -[13306]-> nodes' addresses (hostPort 13306) -[3306]-> Deployment legacy/mysql -> StatefulSet cache/redis",
        ]
    );
    assert!(r.paths.iter().all(|p| p.one_hop));
    assert_eq!(
        r.notes,
        Vec::<String>::new(),
        "the egress-only policy is not an ingress policy"
    );
}

#[test]
fn default_deny_isolates_and_blocks_the_load_balancer_path() {
    let r = one(&shop(), kube("StatefulSet", "vault", "ledger-db"));
    let why = "NetworkPolicy vault/default-deny selects its pods and allows no ingress";
    assert_eq!(r.reach, Reachability::Isolated { why: why.into() });
    assert_eq!(r.exposure, Exposure::NotExposed);
    assert_eq!(
        paths(&r),
        vec![format!(
            "Internet -[5432]-> Service vault/ledger-db (LoadBalancer 198.51.100.7) -[5432]-> \
             StatefulSet vault/ledger-db (blocked: {why})"
        )]
    );
    assert_eq!(r.summary, format!("not exposed outside; isolated: {why}"));
}

#[test]
fn nodeport_and_hostport_expose_the_store_directly() {
    let r = one(&shop(), kube("Deployment", "legacy", "mysql"));
    assert_eq!(r.reach, Reachability::ClusterWide);
    assert_eq!(r.exposure, Exposure::Direct);
    let direct: Vec<String> = r
        .paths
        .iter()
        .filter(|p| !p.one_hop)
        .map(|p| p.display())
        .collect();
    assert_eq!(
        direct,
        vec![
            "Internet -[30306]-> Service legacy/mysql (NodePort on every node) -[3306]-> Deployment legacy/mysql",
            "Internet -[13306]-> nodes' addresses (hostPort 13306) -[3306]-> Deployment legacy/mysql",
        ]
    );
}

#[test]
fn a_403_on_network_policies_is_unknown_never_isolated() {
    let mut s = shop();
    s.coverage.missing(
        DataKind::KubeNetworkPolicies,
        "vault",
        "403 Forbidden: networkpolicies.networking.k8s.io is forbidden",
    );
    let why = "Kubernetes network policies could not be read (vault): 403 Forbidden: \
               networkpolicies.networking.k8s.io is forbidden";
    let m = map(
        &s,
        &[
            kube("StatefulSet", "vault", "ledger-db"),
            kube("StatefulSet", "shop", "orders-db"),
        ],
    );
    let ledger = &m.stores[0];
    assert_eq!(ledger.reach, Reachability::Unknown { why: why.into() });
    assert_eq!(
        ledger.exposure,
        Exposure::Direct,
        "the LoadBalancer is still there"
    );
    assert_eq!(ledger.paths[0].blocked_by, None);
    assert_eq!(ledger.unknown, vec![why.to_string()]);
    // Another namespace's gap does not touch orders-db.
    assert_eq!(m.stores[1].reach.label(), "restricted");

    // Cluster-wide 403: nothing is isolated, everything is unknown.
    let mut s = shop();
    s.coverage
        .missing(DataKind::KubeNetworkPolicies, "cluster", "403 Forbidden");
    let all = [
        kube("StatefulSet", "vault", "ledger-db"),
        kube("StatefulSet", "shop", "orders-db"),
        kube("StatefulSet", "cache", "redis"),
    ];
    for r in map(&s, &all).stores {
        assert_eq!(
            r.reach,
            Reachability::Unknown {
                why: "Kubernetes network policies could not be read (cluster): 403 Forbidden"
                    .into()
            },
            "{}",
            r.store.display()
        );
        assert!(r.paths.iter().all(|p| !p.one_hop));
    }
}

#[test]
fn unread_services_make_exposure_unknown_not_absent() {
    let mut s = shop();
    s.coverage
        .missing(DataKind::KubeServices, "cache", "403 Forbidden");
    let r = one(&s, kube("StatefulSet", "cache", "redis"));
    assert_eq!(
        r.exposure,
        Exposure::Unknown {
            why: "Kubernetes services could not be read (cache): 403 Forbidden".into()
        }
    );
    assert_eq!(r.reach, Reachability::ClusterWide);
}

#[test]
fn policies_missing_from_the_inputs_are_unknown() {
    // Only the workload, no NetworkPolicy anywhere in the inputs: absence is not proven.
    let yaml = b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: x}\nspec:\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: db, image: postgres:16}]\n";
    let s = docket::sources::load_bytes("db.yaml", yaml)
        .unwrap()
        .snapshot;
    let r = one(&s, kube("Deployment", "x", "db"));
    assert_eq!(
        r.reach,
        Reachability::Unknown {
            why: "Kubernetes network policies were not read (not in the inputs)".into()
        }
    );
    assert_eq!(r.exposure.label(), "unknown");
}

#[test]
fn a_store_not_in_the_snapshot_is_unknown() {
    let r = one(&shop(), kube("StatefulSet", "shop", "gone"));
    assert_eq!(r.reach.label(), "unknown");
    assert_eq!(
        r.unknown,
        vec!["StatefulSet shop/gone is not in the snapshot (rescan, or correct the override)"]
    );
}

// ---- Docker --------------------------------------------------------------------------

#[test]
fn docker_shared_network_and_loopback_port_vs_all_interfaces() {
    let s = docker();
    let m = map(&s, &[ctr("shop-db"), ctr("shop-web")]);
    let db = &m.stores[0];
    assert_eq!(
        db.reach,
        Reachability::Restricted {
            sources: vec![Source {
                kind: SourceKind::DockerNetwork,
                description: "containers on network shop_backend".into(),
                members: vec![ctr("shop-web")],
                ports: vec![],
                granted_by: "network shop_backend".into(),
            }]
        }
    );
    assert_eq!(db.exposure, Exposure::OneHop);
    assert_eq!(
        paths(db),
        vec![
            "the Docker host 127.0.0.1:5432 -[5432/tcp]-> Container shop-db",
            "Internet -[80]-> the Docker host 0.0.0.0:80 -[8080/tcp]-> Container shop-web -> Container shop-db",
        ]
    );
    assert!(!db.paths[0].is_external());
    let web = &m.stores[1];
    assert_eq!(web.exposure, Exposure::Direct);
    assert_eq!(
        web.summary,
        "reachable from the internet via the Docker host 0.0.0.0:80 -> Container shop-web; \
         only from containers on network shop_backend (shop-db); \
         anyone who reaches the Docker host on a published port (other containers too) on 80"
    );
}

#[test]
fn docker_default_bridge_without_icc_and_network_none() {
    let s = docker();
    let m = map(&s, &[ctr("old-cache"), ctr("ledger"), ctr("reports-db")]);
    let cache = &m.stores[0];
    assert_eq!(
        cache.reach,
        Reachability::Restricted {
            sources: vec![Source {
                kind: SourceKind::Anyone,
                description:
                    "anyone who reaches the Docker host on a published port (other containers too)"
                        .into(),
                members: vec![],
                ports: vec!["6379".into()],
                granted_by: "published ports".into(),
            }]
        },
        "ICC is off on the default bridge: cron cannot connect directly"
    );
    assert_eq!(
        cache.notes,
        vec!["inter-container communication is disabled on network bridge: other containers on it cannot connect"]
    );
    assert_eq!(
        paths(cache),
        vec!["Internet -[6379]-> the Docker host 0.0.0.0:6379 -[6379/tcp]-> Container old-cache"]
    );

    let ledger = &m.stores[1];
    assert_eq!(
        ledger.reach,
        Reachability::Isolated {
            why: "network mode none: it has no network besides loopback".into()
        }
    );
    assert_eq!(ledger.exposure, Exposure::NotExposed);

    let reports = &m.stores[2];
    assert_eq!(reports.exposure, Exposure::HostOnly);
    assert_eq!(
        reports.summary,
        "published on the host only via Container reports-db; isolated: no other container can \
         connect on network reports; processes on the host still can"
    );
    assert_eq!(
        paths(reports),
        vec!["the Docker host [::1]:3306 -[3306/tcp]-> Container reports-db"]
    );
}

#[test]
fn docker_containers_partly_unread_is_unknown_not_isolated() {
    let mut s = docker();
    s.coverage.missing(
        DataKind::DockerContainers,
        "",
        "2 containers could not be inspected: timeout",
    );
    let r = one(&s, ctr("reports-db"));
    let gap = "Docker containers could not be read: 2 containers could not be inspected: timeout";
    assert_eq!(
        r.reach,
        Reachability::Unknown {
            why: format!(
                "no other container can connect on network reports; processes on the host still can, but {gap}"
            )
        }
    );
    assert_eq!(r.exposure, Exposure::Unknown { why: gap.into() });
    assert_eq!(r.unknown, vec![gap.to_string()]);
}

// ---- the demo ------------------------------------------------------------------------

fn demo() -> Snapshot {
    docket::sources::demo::load().unwrap().snapshot
}

/// The data stores the demo labels `app.kubernetes.io/component: database` (Kubernetes) and
/// the compose database / object store containers (Docker), with their known reachability.
#[test]
fn demo_data_stores_reachability() {
    let s = demo();
    let h = |n: &str| ResourceRef::docker("Container", n, "legacy-01");
    let stores = [
        kube("StatefulSet", "data", "postgres"),
        kube("StatefulSet", "data", "redis"),
        kube("StatefulSet", "data", "kafka"),
        kube("Deployment", "data", "document-store"),
        h("lumen-postgres-1"),
        h("lumen-redis-1"),
        h("lumen-minio-1"),
        h("mailhog"),
    ];
    let m = map(&s, &stores);
    let got: Vec<(String, &str, &str)> = m
        .stores
        .iter()
        .map(|r| (r.store.display(), r.reach.label(), r.exposure.label()))
        .collect();
    let want = [
        (
            "StatefulSet data/postgres",
            "cluster-wide",
            "internet (one hop)",
        ),
        (
            "StatefulSet data/redis",
            "cluster-wide",
            "internet (one hop)",
        ),
        (
            "StatefulSet data/kafka",
            "cluster-wide",
            "internet (one hop)",
        ),
        (
            "Deployment data/document-store",
            "cluster-wide",
            "internet (one hop)",
        ),
        (
            "Container lumen-postgres-1 @legacy-01",
            "restricted",
            "internet (one hop)",
        ),
        (
            "Container lumen-redis-1 @legacy-01",
            "restricted",
            "internet (one hop)",
        ),
        (
            "Container lumen-minio-1 @legacy-01",
            "restricted",
            "internet",
        ),
        ("Container mailhog @legacy-01", "restricted", "internet"),
    ];
    let want: Vec<(String, &str, &str)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), *b, *c))
        .collect();
    assert_eq!(got, want);
    for r in &m.stores {
        assert_eq!(r.unknown, Vec::<String>::new(), "{}", r.store.display());
    }

    // The planted mistake: the policy was written for the Helm chart's `app: postgresql`.
    let pg = &m.stores[0];
    assert_eq!(
        pg.notes,
        vec!["NetworkPolicies in data select other pods, not these: allow-api-to-postgres selects app=postgresql"]
    );
    assert_eq!(pg.services, vec![kube("Service", "data", "postgres")]);
    assert_eq!(
        pg.summary,
        "reachable from the internet in one hop via Ingress web/patient-portal https://app.lumen.health/ \
         -> Service web/patient-portal -> Deployment web/patient-portal -> StatefulSet data/postgres \
         (+12 more); any pod in the cluster (no NetworkPolicy selects it)"
    );

    // Docker: postgres is published on 127.0.0.1 only, but nginx, adminer, minio and the
    // SFTP drop share lumen_backend and publish on 0.0.0.0.
    let dpg = &m.stores[4];
    assert_eq!(
        paths(dpg)[0],
        "host legacy-01 127.0.0.1:5432 -[5432/tcp]-> Container lumen-postgres-1"
    );
    let callers: Vec<&str> = dpg
        .paths
        .iter()
        .filter(|p| p.one_hop)
        .map(|p| p.hops[2].label.as_str())
        .collect();
    assert_eq!(
        callers,
        vec![
            "Container lumen-nginx-1",
            "Container lumen-nginx-1",
            "Container netdata (created)",
            "Container lumen-adminer-1",
            "Container lumen-minio-1",
            "Container lumen-labdrop-1",
        ]
    );
    let minio = &m.stores[6];
    assert_eq!(
        paths(minio)[..2],
        [
            "Internet -[9001]-> host legacy-01 0.0.0.0:9001 -[9001/tcp]-> Container lumen-minio-1",
            "host legacy-01 127.0.0.1:9000 -[9000/tcp]-> Container lumen-minio-1",
        ]
    );
    // mailhog sits on the default bridge with ICC on: jenkins can connect to it.
    let Reachability::Restricted { sources } = &m.stores[7].reach else {
        panic!("mailhog: {:?}", m.stores[7].reach)
    };
    assert_eq!(
        sources[0].description,
        "containers on network bridge (the default bridge, inter-container communication on)"
    );
    assert_eq!(sources[0].members, vec![h("jenkins")]);
}

#[test]
fn demo_payments_isolation_is_honoured() {
    let s = demo();
    let m = map(
        &s,
        &[
            kube("Deployment", "payments", "invoice-service"),
            kube("Deployment", "payments", "payment-gateway"),
        ],
    );
    let inv = &m.stores[0];
    let Reachability::Restricted { sources } = &inv.reach else {
        panic!("{:?}", inv.reach)
    };
    assert_eq!(sources.len(), 1);
    assert_eq!(
        sources[0].description,
        "pods app=payment-gateway in namespace payments"
    );
    assert_eq!(sources[0].ports, vec!["8080"]);
    assert_eq!(inv.exposure, Exposure::OneHop);
    let gw = &m.stores[1];
    assert_eq!(gw.exposure, Exposure::Direct);
}

/// The contract with the classifier: every store it finds on the demo is located by the
/// connection map (the resource shapes agree), so none is "not in the snapshot".
#[test]
fn every_classified_demo_store_is_found() {
    let s = demo();
    let stores = docket::dpia::classify::data_stores(&s);
    assert!(stores.len() >= 8, "{} stores", stores.len());
    let m = docket::dpia::reach::connection_map(&s, &stores);
    assert_eq!(m.stores.len(), stores.len());
    for (d, r) in stores.iter().zip(&m.stores) {
        assert_eq!(r.store, d.resource);
        assert!(
            !r.unknown
                .iter()
                .any(|u| u.contains("is not in the snapshot")),
            "{}: {:?}",
            r.store.display(),
            r.unknown
        );
    }
}
