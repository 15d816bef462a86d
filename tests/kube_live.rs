//! The live Kubernetes source, driven through the real kube-rs client against the API
//! stand-in (tests/support/kube_standin.rs) via generated kubeconfigs: connection and
//! contexts, paging, 410 restarts, 403/404 coverage gaps, 429 with Retry-After, 5xx,
//! timeouts, the deadline, dropped connections, exec plugins, metadata-only Secrets, and
//! equality with a file scan of the same objects.

mod support;

use docket::checks::{self, Outcome, Selection};
use docket::model::{Availability, DataKind, Snapshot};
use docket::sources::kube_live::{self, KubeTarget, LiveKube, Options};
use docket::synth::{self, ClusterSpec};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::kube_standin::{
    write_exec_plugin, write_kubeconfig, Cluster, ContextSpec, Faults, StandIn, UserSpec,
};

fn generated(pods: usize) -> Cluster {
    Cluster {
        objects: synth::generate_vec(&ClusterSpec::with_pods(pods)),
    }
}

/// A kubeconfig with one token context `standin` pointing at `server`.
fn kubeconfig(dir: &Path, server: &StandIn) -> PathBuf {
    let path = dir.join("kubeconfig");
    write_kubeconfig(
        &path,
        &[server.context("standin", UserSpec::Token("t0ken-standin".into()))],
    )
    .unwrap();
    path
}

fn target(kubeconfig: &Path, context: Option<&str>, namespace: Option<&str>) -> KubeTarget {
    KubeTarget {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        context: context.map(str::to_string),
        namespace: namespace.map(str::to_string),
        all_namespaces: namespace.is_none(),
    }
}

fn quick() -> Options {
    Options {
        request_timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(60),
        exec_timeout: Duration::from_secs(10),
        ..Options::default()
    }
}

fn scan_with(t: &KubeTarget, opts: &Options) -> Result<LiveKube, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let conn = kube_live::resolve(t, &|_| None, None).await?;
        kube_live::collect(&conn, opts, &|_| {}).await
    })
}

fn scan(server: &StandIn, opts: &Options) -> (LiveKube, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), server);
    let live = scan_with(&target(&kc, None, None), opts).expect("live scan");
    (live, dir)
}

fn gap(live: &LiveKube, plural: &str) -> Option<String> {
    live.kinds
        .iter()
        .find(|k| k.resource == plural)
        .and_then(|k| k.gap.clone())
}

fn pods_in(s: &Snapshot) -> usize {
    s.kube
        .workloads
        .iter()
        .filter(|w| w.kind == docket::model::WorkloadKind::Pod)
        .count()
}

/// (check, fingerprint, message, evidence) of every finding: what must match between a
/// live scan and a file scan.
fn finding_keys(s: &Snapshot) -> BTreeSet<String> {
    checks::run(s, &Selection::default())
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f.check_id,
                f.fingerprint,
                f.message,
                serde_json::to_string(&f.evidence).unwrap()
            )
        })
        .collect()
}

#[test]
fn a_live_scan_and_a_file_scan_of_the_same_objects_agree() {
    let cluster = generated(300);
    let list = synth::kubectl_list(cluster.objects.clone());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.json");
    std::fs::write(&file, serde_json::to_vec(&list).unwrap()).unwrap();
    let from_file = docket::sources::load_paths(std::slice::from_ref(&file)).unwrap();

    let server = StandIn::start(cluster, Faults::default());
    let (live, _d) = scan(
        &server,
        &Options {
            page_size: 37,
            ..quick()
        },
    );
    assert!(
        live.kinds.iter().all(|k| k.gap.is_none()),
        "{:?}",
        live.kinds
    );
    assert_eq!(pods_in(&live.snapshot), 300);
    assert_eq!(
        live.snapshot.kube.workloads.len(),
        from_file.snapshot.kube.workloads.len()
    );
    let (a, b) = (
        finding_keys(&live.snapshot),
        finding_keys(&from_file.snapshot),
    );
    assert!(
        a.len() > 100,
        "the generated cluster has findings: {}",
        a.len()
    );
    let only_live: Vec<_> = a.difference(&b).take(3).collect();
    let only_file: Vec<_> = b.difference(&a).take(3).collect();
    assert!(
        only_live.is_empty() && only_file.is_empty(),
        "live only: {only_live:#?}\nfile only: {only_file:#?}"
    );
}

#[test]
fn lists_are_paged_with_limit_and_continue() {
    let server = StandIn::start(generated(200), Faults::default());
    let (live, _d) = scan(
        &server,
        &Options {
            page_size: 9,
            ..quick()
        },
    );
    assert_eq!(pods_in(&live.snapshot), 200);
    let pod_requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/pods")
        .collect();
    assert_eq!(pod_requests.len(), 200usize.div_ceil(9));
    assert!(pod_requests.iter().all(|r| r.param("limit") == Some("9")));
    assert!(pod_requests[0].param("continue").is_none());
    assert!(pod_requests[1..]
        .iter()
        .all(|r| r.param("continue").is_some()));
    let report = live.kinds.iter().find(|k| k.resource == "pods").unwrap();
    assert_eq!(report.pages, pod_requests.len());
    // Every request was counted.
    assert_eq!(live.requests, server.request_count());
}

#[test]
fn an_expired_continue_token_restarts_the_list_without_duplicates() {
    let faults = Faults {
        expire_continue_once: vec!["pods".into(), "configmaps".into()],
        ..Faults::default()
    };
    let server = StandIn::start(generated(120), faults);
    let (live, _d) = scan(
        &server,
        &Options {
            page_size: 25,
            ..quick()
        },
    );
    let report = live.kinds.iter().find(|k| k.resource == "pods").unwrap();
    assert_eq!(report.restarts, 1);
    assert!(report.gap.is_none());
    assert_eq!(pods_in(&live.snapshot), 120, "no pod counted twice");
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path == "/api/v1/pods" && r.status == 410));
    let names: BTreeSet<_> = live
        .snapshot
        .kube
        .workloads
        .iter()
        .map(|w| (w.meta.namespace.clone(), w.meta.name.clone(), w.kind))
        .collect();
    assert_eq!(names.len(), live.snapshot.kube.workloads.len());
}

#[test]
fn forbidden_kinds_are_coverage_gaps_and_their_checks_are_not_evaluated() {
    let faults = Faults {
        forbidden: vec!["networkpolicies".into(), "clusterroles".into()],
        missing: vec!["ingresses".into()],
        ..Faults::default()
    };
    let server = StandIn::start(generated(60), faults);
    let (live, _d) = scan(&server, &quick());
    let np = gap(&live, "networkpolicies").expect("networkpolicies gap");
    assert!(
        np.contains("403") && np.contains("docket-reader.yaml"),
        "{np}"
    );
    let ing = gap(&live, "ingresses").expect("ingresses gap");
    assert!(ing.contains("not served"), "{ing}");
    let cov = &live.snapshot.coverage;
    assert!(matches!(
        cov.availability(DataKind::KubeNetworkPolicies),
        Availability::Missing(_)
    ));
    // Roles were read, ClusterRoles were not: RBAC is partial, not complete.
    assert!(matches!(
        cov.availability(DataKind::KubeRbac),
        Availability::Partial(_)
    ));
    let scan = checks::run(&live.snapshot, &Selection::default());
    let mut not_evaluated = 0;
    for check in checks::catalog() {
        let Some(result) = scan.result(check.id) else {
            continue;
        };
        if check.needs.contains(&DataKind::KubeNetworkPolicies)
            || check.needs.contains(&DataKind::KubeIngresses)
        {
            assert!(
                matches!(result.outcome, Outcome::NotEvaluated(_)),
                "{} needs unread data but is {:?}",
                check.id,
                result.outcome
            );
            not_evaluated += 1;
        }
        if check.needs.contains(&DataKind::KubeRbac) {
            assert!(
                !matches!(result.outcome, Outcome::Evaluated),
                "{} must not pass on partial RBAC data",
                check.id
            );
        }
    }
    assert!(not_evaluated > 0);
}

#[test]
fn too_many_requests_waits_for_retry_after_then_succeeds() {
    let faults = Faults {
        too_many_requests: vec![("pods".into(), 2)],
        retry_after_secs: 1,
        server_errors: vec![("services".into(), 2)],
        ..Faults::default()
    };
    let server = StandIn::start(generated(30), faults);
    let started = Instant::now();
    let (live, _d) = scan(&server, &quick());
    assert_eq!((gap(&live, "pods"), gap(&live, "services")), (None, None));
    assert_eq!(pods_in(&live.snapshot), 30);
    let pods: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/pods")
        .map(|r| r.status)
        .collect();
    assert_eq!(pods, vec![429, 429, 200]);
    // Two waits of Retry-After: 1 s each.
    assert!(started.elapsed() >= Duration::from_secs(2));
}

#[test]
fn a_slow_endpoint_hits_the_request_timeout_and_the_rest_is_read() {
    let faults = Faults {
        slow: vec![("configmaps".into(), Duration::from_secs(4))],
        ..Faults::default()
    };
    let server = StandIn::start(generated(30), faults);
    let started = Instant::now();
    let (live, _d) = scan(
        &server,
        &Options {
            request_timeout: Duration::from_secs(1),
            ..quick()
        },
    );
    let g = gap(&live, "configmaps").expect("configmaps gap");
    assert!(g.contains("no answer within 1 s"), "{g}");
    assert!(matches!(
        live.snapshot
            .coverage
            .availability(DataKind::KubeConfigMaps),
        Availability::Missing(_)
    ));
    assert_eq!(pods_in(&live.snapshot), 30);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn the_overall_deadline_yields_a_partial_labelled_snapshot() {
    let faults = Faults {
        slow: vec![("pods".into(), Duration::from_millis(700))],
        ..Faults::default()
    };
    let server = StandIn::start(generated(100), faults);
    let started = Instant::now();
    let (live, _d) = scan(
        &server,
        &Options {
            page_size: 10,
            deadline: Duration::from_secs(3),
            ..quick()
        },
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let g = gap(&live, "pods").expect("pods gap");
    assert!(
        g.contains("incomplete") && g.contains("deadline of 3 s"),
        "{g}"
    );
    let pods = pods_in(&live.snapshot);
    assert!(pods > 0 && pods < 100, "{pods}");
    // The kinds that answered quickly are complete.
    assert!(gap(&live, "namespaces").is_none());
}

#[test]
fn dropped_connections_are_retried_and_reported_when_they_persist() {
    let faults = Faults {
        drop_connection: vec![("deployments".into(), 2), ("daemonsets".into(), 100)],
        ..Faults::default()
    };
    let server = StandIn::start(generated(40), faults);
    let (live, _d) = scan(&server, &quick());
    assert_eq!(gap(&live, "deployments"), None);
    let g = gap(&live, "daemonsets").expect("daemonsets gap");
    assert!(g.contains("connection failed"), "{g}");
}

#[test]
fn contexts_and_namespaces_choose_the_server_and_the_paths() {
    let a = StandIn::start(generated(50), Faults::default());
    let b = StandIn::start(support::kube_standin::small_cluster(), Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("config");
    let mut ctx_b = b.context("shop-ctx", UserSpec::Token("t".into()));
    ctx_b.namespace = Some("shop".into());
    write_kubeconfig(&kc, &[a.context("big", UserSpec::Token("t".into())), ctx_b]).unwrap();
    // The context's namespace is the default scope.
    let t = KubeTarget {
        kubeconfig: Some(kc.clone()),
        context: Some("shop-ctx".into()),
        ..Default::default()
    };
    let live = scan_with(&t, &quick()).unwrap();
    assert_eq!(
        a.request_count(),
        0,
        "the other context's server was not called"
    );
    assert_eq!(pods_in(&live.snapshot), 3);
    for r in b.requests().iter().filter(|r| r.path.contains("/pods")) {
        assert_eq!(r.path, "/api/v1/namespaces/shop/pods");
    }
    let names: Vec<_> = live
        .snapshot
        .kube
        .namespaces
        .iter()
        .map(|n| n.meta.name.as_str())
        .collect();
    assert_eq!(names, vec!["shop"], "other namespaces were not scanned");
    assert!(live.snapshot.sources[0].detail.contains("namespace shop"));
    // -n beats the context's namespace.
    let t = KubeTarget {
        namespace: Some("ops".into()),
        ..t
    };
    let live = scan_with(&t, &quick()).unwrap();
    assert_eq!(pods_in(&live.snapshot), 0);
    // The first context is the current one.
    let t = KubeTarget {
        kubeconfig: Some(kc),
        all_namespaces: true,
        ..Default::default()
    };
    let live = scan_with(&t, &quick()).unwrap();
    assert_eq!(pods_in(&live.snapshot), 50);
}

#[test]
fn a_namespace_scan_records_gaps_per_namespace() {
    let faults = Faults {
        forbidden_in_namespace: vec![("configmaps".into(), "shop".into())],
        forbidden: vec!["nodes".into()],
        ..Faults::default()
    };
    let server = StandIn::start(support::kube_standin::small_cluster(), faults);
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), &server);
    let live = scan_with(&target(&kc, None, Some("shop")), &quick()).unwrap();
    let gaps: Vec<_> = live.snapshot.coverage.gaps().collect();
    assert!(gaps
        .iter()
        .any(|g| g.kind == DataKind::KubeConfigMaps && g.scope == "shop"));
    assert!(gaps
        .iter()
        .any(|g| g.kind == DataKind::KubeNodes && g.scope == "cluster"));
}

#[test]
fn secrets_are_only_ever_listed_as_metadata() {
    let server = StandIn::start(support::kube_standin::small_cluster(), Faults::default());
    let (live, _d) = scan(&server, &quick());
    let secret_requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/secrets"))
        .collect();
    assert!(!secret_requests.is_empty());
    for r in &secret_requests {
        assert!(
            r.accept
                .starts_with("application/json;as=PartialObjectMetadataList"),
            "{r:?}"
        );
    }
    assert_eq!(live.snapshot.kube.secrets.len(), 1);
    assert!(live.snapshot.kube.secrets[0].keys.is_empty());
    let json = serde_json::to_string(&live.snapshot).unwrap();
    for canary in [
        support::kube_standin::fixtures::SECRET_CANARY,
        support::kube_standin::fixtures::ENV_CANARY,
        "managedFields",
        "last-applied-configuration",
    ] {
        assert!(!json.contains(canary), "{canary} in the snapshot");
    }
    // Nor in any report format rendered from the live scan.
    let scan = checks::run(&live.snapshot, &Selection::default());
    assert!(
        scan.findings.iter().any(|f| f.check_id == "SC-001"),
        "env secret found"
    );
    let report = docket::report::Report::new(&live.snapshot, &scan, "2026-12-01T00:00:00Z");
    for format in docket::report::Format::ALL {
        let text = docket::report::render(&report, format);
        for canary in [
            support::kube_standin::fixtures::SECRET_CANARY,
            support::kube_standin::fixtures::ENV_CANARY,
        ] {
            assert!(!text.contains(canary), "{canary} in {}", format.name());
        }
    }
    // Only GETs, ever.
    assert!(server.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn an_exec_plugin_provides_the_token_and_a_hanging_one_is_stopped() {
    let faults = Faults {
        require_token: Some("exec-issued-token".into()),
        ..Faults::default()
    };
    let server = StandIn::start(support::kube_standin::small_cluster(), faults);
    let dir = tempfile::tempdir().unwrap();
    let good = write_exec_plugin(dir.path(), "good-plugin", "exec-issued-token", 0);
    let slow = write_exec_plugin(dir.path(), "slow-plugin", "exec-issued-token", 30);
    let kc = dir.path().join("config");
    let exec = |p: &Path| UserSpec::Exec {
        command: p.display().to_string(),
        args: vec!["--cluster".into(), "standin".into()],
        env: vec![],
    };
    let wrong = UserSpec::Token("wrong".into());
    write_kubeconfig(
        &kc,
        &[
            server.context("good", exec(&good)),
            server.context("slow", exec(&slow)),
            server.context("wrong", wrong),
        ],
    )
    .unwrap();
    let conn_of = |ctx: &str| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(kube_live::resolve(
                &target(&kc, Some(ctx), None),
                &|_| None,
                None,
            ))
            .unwrap()
    };
    let plugin = conn_of("good").exec.expect("exec plugin detected");
    assert!(plugin.describe().ends_with("good-plugin --cluster standin"));

    let live = scan_with(&target(&kc, Some("good"), None), &quick()).unwrap();
    assert_eq!(pods_in(&live.snapshot), 3);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() == Some("Bearer exec-issued-token")));

    let started = Instant::now();
    let err = scan_with(
        &target(&kc, Some("slow"), None),
        &Options {
            exec_timeout: Duration::from_secs(1),
            ..quick()
        },
    )
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.contains("did not finish within 1 s"), "{err}");

    let err = scan_with(&target(&kc, Some("wrong"), None), &quick()).unwrap_err();
    assert!(err.contains("401") && err.contains("rejected"), "{err}");
}

#[test]
fn an_unreachable_server_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("config");
    let ctx = ContextSpec {
        name: "gone".into(),
        server: "http://127.0.0.1:9".into(),
        namespace: None,
        user: UserSpec::Token("t".into()),
    };
    write_kubeconfig(&kc, &[ctx]).unwrap();
    let started = Instant::now();
    let err = scan_with(&target(&kc, None, None), &quick()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        err.contains("cannot reach the Kubernetes API server at http://127.0.0.1:9"),
        "{err}"
    );
}

fn docket(args: &[&str], home: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .env("HOME", home)
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env("NO_COLOR", "1")
        .output()
        .expect("the docket binary runs")
}

fn fingerprints(json: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(json).expect("json report");
    let mut fps: Vec<String> = v["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| format!("{} {}", f["check_id"], f["fingerprint"]))
        .collect();
    fps.sort();
    fps
}

/// The bar: `docket scan --kube --context X -A` against a 5,000-pod cluster
/// completes, through the binary a user runs; `snapshot save --kube` read back with
/// `--from` gives the same fingerprints.
#[test]
fn the_binary_scans_a_5000_pod_cluster_and_its_snapshot_reads_back_identically() {
    let server = StandIn::start(generated(5000), Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("config");
    write_kubeconfig(
        &kc,
        &[
            server.context("other", UserSpec::Token("t".into())),
            server.context("big", UserSpec::Token("t".into())),
        ],
    )
    .unwrap();
    let kc = kc.to_str().unwrap();
    let o = docket(
        &[
            "scan",
            "--kubeconfig",
            kc,
            "--context",
            "big",
            "-A",
            "-f",
            "json",
        ],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("docket: kube big (v1.31"), "{err}");
    assert!(
        err.contains("all namespaces") && err.contains("API requests"),
        "{err}"
    );
    let live = fingerprints(&o.stdout);
    assert!(live.len() > 1000, "{} findings", live.len());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["coverage_gaps"],
        serde_json::json!([]),
        "everything was read"
    );

    let snap = dir.path().join("snap.json");
    let s = docket(
        &[
            "snapshot",
            "save",
            snap.to_str().unwrap(),
            "--kubeconfig",
            kc,
            "--context",
            "big",
            "-A",
            "-q",
        ],
        dir.path(),
    );
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let back = docket(
        &["scan", "--from", snap.to_str().unwrap(), "-f", "json", "-q"],
        dir.path(),
    );
    assert!(back.status.success());
    assert_eq!(fingerprints(&back.stdout), live);
    let pods = server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods")
        .count();
    assert_eq!(pods, 2 * 5000usize.div_ceil(500), "pages of 500, twice");
}

#[test]
fn kube_flags_combine_with_other_sources_and_bad_flags_are_usage_errors() {
    let server = StandIn::start(support::kube_standin::small_cluster(), Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), &server);
    let kc = kc.to_str().unwrap();
    let o = docket(
        &[
            "scan",
            "--kubeconfig",
            kc,
            "-n",
            "shop",
            "--demo",
            "-f",
            "json",
            "-q",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sources = v["sources"].to_string();
    assert!(
        sources.contains("standin") && sources.contains("demo"),
        "{sources}"
    );

    let bad = docket(
        &["scan", "--kubeconfig", kc, "--context", "nope"],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("context \"nope\"") && err.contains("standin"),
        "{err}"
    );
    let none = docket(&["scan", "--kube"], dir.path());
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no Kubernetes configuration"));
}
