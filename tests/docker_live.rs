//! The live Docker source against a real dockerd (started by `tests/run.sh` through
//! `tests/docker/scenario.sh`). Each test builds its own scenario under a unique name
//! prefix and removes it at the end, also on failure.
//!
//! Outside CI, with no daemon, these tests print why and pass; with `CI=true` a missing
//! daemon fails them, because CI must exercise the real path.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use docket::checks::{self, Selection};
use docket::findings::Finding;

const SOCKET: &str = "/var/run/docker.sock";
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/docker/scenario.sh");

fn daemon_available() -> bool {
    let ok = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but no Docker daemon answers: tests/run.sh should have started one"
        );
        eprintln!(
            "SKIPPED: no Docker daemon reachable (run `bash tests/run.sh` as root to start one)"
        );
    }
    ok
}

fn sh(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(SCENARIO)
        .args(args)
        .output()
        .expect("bash runs")
}

/// A scenario that is torn down when dropped.
struct Scenario {
    prefix: String,
}

impl Scenario {
    fn up(tag: &str) -> Scenario {
        let prefix = format!("dkt{}{tag}", std::process::id());
        let s = Scenario { prefix };
        let o = sh(&["up", &s.prefix]);
        assert!(
            o.status.success(),
            "scenario up failed:\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        s
    }
    fn name(&self, role: &str) -> String {
        format!("{}-{role}", self.prefix)
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        let _ = sh(&["down", &self.prefix]);
    }
}

fn live(host: &str) -> Result<docket::sources::docker_live::LiveDocker, String> {
    let endpoint = docket::sources::docker_live::resolve(Some(host), &|_| None, None)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(docket::sources::docker_live::collect(&endpoint, &|_| {}))
}

fn findings_for<'a>(findings: &'a [Finding], container: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.resource.kind == "Container" && f.resource.name == container)
        .collect()
}

fn ids(fs: &[&Finding]) -> BTreeSet<String> {
    fs.iter().map(|f| f.check_id.clone()).collect()
}

#[test]
fn live_scan_finds_each_planted_problem_and_nothing_on_the_hardened_container() {
    if !daemon_available() {
        return;
    }
    let s = Scenario::up("a");
    let scan = live(&format!("unix://{SOCKET}")).expect("live scan");
    let snap = &scan.snapshot;
    assert!(snap
        .docker
        .containers
        .iter()
        .any(|c| c.name == s.name("priv")));
    let result = checks::run(snap, &Selection::default());
    let f = &result.findings;
    let expect = [
        ("priv", &["DC-001"][..]),
        ("caps", &["DC-002", "DC-003"]),
        ("hostns", &["DC-011", "DC-012", "DC-013"]),
        ("socket", &["DC-010"]),
        ("etc", &["DC-009"]),
        (
            "nolimits",
            &["DC-018", "DC-019", "DC-020", "DC-021", "DC-027"],
        ),
        ("ports", &["DC-022", "DC-023"]),
        ("secrets", &["SC-002"]),
        ("latest", &["DC-024"]),
    ];
    for (role, checks) in expect {
        let got = ids(&findings_for(f, &s.name(role)));
        for c in checks {
            assert!(got.contains(*c), "{role}: expected {c}, got {got:?}");
        }
    }
    let hardened = findings_for(f, &s.name("hardened"));
    assert!(
        hardened.is_empty(),
        "hardened container has findings: {:#?}",
        hardened
    );
    // The canaries of the `secrets` container never leave in clear.
    let json = serde_json::to_string(snap).expect("json");
    for canary in ["canary-live-db-pass-4242", "AKIALIVECANARY000042"] {
        assert!(!json.contains(canary), "snapshot leaks {canary}");
    }
    assert!(scan.requests > 0);
    // Networks with their members, and volumes, are part of the inventory.
    let backend = snap
        .docker
        .networks
        .iter()
        .find(|n| n.name == s.name("backend"));
    let members = backend.map(|n| n.containers.clone()).unwrap_or_default();
    assert!(
        members.contains(&s.name("store")) && members.contains(&s.name("app")),
        "{members:?}"
    );
    assert!(
        snap.coverage
            .availability(docket::model::DataKind::DockerVolumes)
            == docket::model::Availability::Complete
    );
}

#[test]
fn live_scan_and_inspect_json_give_identical_findings_and_fingerprints() {
    if !daemon_available() {
        return;
    }
    let s = Scenario::up("b");
    let live_scan = live(&format!("unix://{SOCKET}")).expect("live scan");
    let names: Vec<String> = [
        "priv", "caps", "hostns", "socket", "etc", "nolimits", "ports", "secrets", "latest",
        "hardened",
    ]
    .iter()
    .map(|r| s.name(r))
    .collect();
    let inspect = Command::new("docker")
        .arg("inspect")
        .args(&names)
        .output()
        .expect("docker inspect");
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let image_ids: BTreeSet<String> = live_scan
        .snapshot
        .docker
        .containers
        .iter()
        .filter(|c| names.contains(&c.name))
        .map(|c| c.image_id.clone())
        .collect();
    let images = Command::new("docker")
        .args(["image", "inspect"])
        .args(&image_ids)
        .output()
        .expect("docker image inspect");
    assert!(
        images.status.success(),
        "{}",
        String::from_utf8_lossy(&images.stderr)
    );
    let mut from_file = docket::sources::load_bytes("inspect.json", &inspect.stdout)
        .expect("loads")
        .snapshot;
    from_file.merge(
        docket::sources::load_bytes("images.json", &images.stdout)
            .expect("loads")
            .snapshot,
    );

    let run = |snap: &docket::model::Snapshot| {
        let sel = Selection {
            include: vec!["DC-*".into(), "SC-002".into(), "SC-004".into()],
            ..Default::default()
        };
        let r = checks::run(snap, &sel);
        r.findings
            .into_iter()
            .filter(|f| names.contains(&f.resource.name))
            .map(|f| (f.check_id, f.fingerprint, f.evidence, f.message))
            .collect::<Vec<_>>()
    };
    let a = run(&live_scan.snapshot);
    let b = run(&from_file);
    assert!(!a.is_empty());
    assert_eq!(a, b, "live and file findings differ");
}

/// A stand-in for a misbehaving daemon: an HTTP proxy on 127.0.0.1 in front of the real
/// dockerd socket. It forwards one request per connection and can run an action when a
/// request path matches (remove a container right after the list) or cut every
/// connection after N requests (the daemon going away mid-scan).
struct Proxy {
    port: u16,
    requests: Arc<AtomicUsize>,
}

impl Proxy {
    fn start(cut_after: Option<usize>, on_list: Option<String>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let victim = on_list.clone();
                std::thread::spawn(move || serve(client, n, cut_after, victim));
            }
        });
        Proxy { port, requests }
    }
    fn host(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }
}

fn serve(mut client: TcpStream, n: usize, cut_after: Option<usize>, victim: Option<String>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    if cut_after.is_some_and(|limit| n > limit) {
        return; // drop the connection: the daemon is gone
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    lines.retain(|l| !l.to_ascii_lowercase().starts_with("connection:"));
    let request = format!("{}\r\nConnection: close\r\n\r\n", lines.join("\r\n"));
    let Ok(mut upstream) = UnixStream::connect(SOCKET) else {
        return;
    };
    if upstream.write_all(request.as_bytes()).is_err() {
        return;
    }
    let mut response = Vec::new();
    let _ = upstream.read_to_end(&mut response);
    if let Some(victim) = victim {
        if text.contains("/containers/json") {
            let _ = Command::new("docker").args(["rm", "-f", &victim]).output();
        }
    }
    let _ = client.write_all(&response);
}

#[test]
fn a_container_removed_between_list_and_inspect_is_a_warning_not_a_failure() {
    if !daemon_available() {
        return;
    }
    let s = Scenario::up("c");
    let victim = s.name("nolimits");
    let proxy = Proxy::start(None, Some(victim.clone()));
    let scan = live(&proxy.host()).expect("the scan goes on");
    assert!(
        scan.warnings
            .iter()
            .any(|w| w.contains("removed during the scan")),
        "{:?}",
        scan.warnings
    );
    assert!(!scan
        .snapshot
        .docker
        .containers
        .iter()
        .any(|c| c.name == victim));
    assert!(scan
        .snapshot
        .docker
        .containers
        .iter()
        .any(|c| c.name == s.name("priv")));
    assert!(proxy.requests.load(Ordering::SeqCst) > 3);
    // Plain TCP without TLS is itself a finding (CIS Docker 2.7).
    let r = checks::run(&scan.snapshot, &Selection::default());
    assert!(r.findings.iter().any(|f| f.check_id == "DH-006"));
}

#[test]
fn a_daemon_that_goes_away_mid_scan_gives_a_partial_snapshot_marked_incomplete() {
    if !daemon_available() {
        return;
    }
    let _s = Scenario::up("d");
    // info + container list answer, then every connection is dropped.
    let proxy = Proxy::start(Some(2), None);
    let started = std::time::Instant::now();
    let scan = live(&proxy.host()).expect("a partial snapshot, not an error");
    assert!(started.elapsed().as_secs() < 60, "the scan must not hang");
    let gaps: Vec<_> = scan.snapshot.coverage.gaps().collect();
    assert!(!gaps.is_empty(), "the snapshot must say what is missing");
    let r = checks::run(&scan.snapshot, &Selection::default());
    let dc001 = r.result("DC-001").expect("DC-001 result");
    assert!(
        !matches!(dc001.outcome, checks::Outcome::Evaluated),
        "{:?}",
        dc001.outcome
    );
}

#[test]
fn no_daemon_at_the_address_is_a_quick_clear_error() {
    let started = std::time::Instant::now();
    let err = live("tcp://127.0.0.1:1").expect_err("nothing listens on port 1");
    assert!(started.elapsed().as_secs() < 10);
    assert!(
        err.contains("127.0.0.1:1") && err.contains("Is dockerd running"),
        "{err}"
    );
    let err = live("unix:///nonexistent/docker.sock").expect_err("no socket");
    assert!(err.contains("/nonexistent/docker.sock"), "{err}");
}

#[test]
fn snapshot_save_docker_reads_back_with_the_same_findings() {
    if !daemon_available() {
        return;
    }
    let s = Scenario::up("e");
    let bin = env!("CARGO_BIN_EXE_docket");
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("docker.json");
    let o = Command::new(bin)
        .args(["snapshot", "save"])
        .arg(&snap)
        .args(["--docker", "--quiet"])
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scan = |args: &[&str]| {
        let o = Command::new(bin)
            .args(["scan", "--format", "json", "--quiet", "--checks", "DC-*"])
            .args(args)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let mut fps: Vec<String> = v["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|f| {
                f["resource"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with(&s.prefix)
            })
            .map(|f| format!("{} {}", f["check_id"], f["fingerprint"]))
            .collect();
        fps.sort();
        fps
    };
    let from_file = scan(&["--from", snap.to_str().unwrap_or_default()]);
    assert!(!from_file.is_empty());
    assert_eq!(from_file, scan(&["--docker"]));
    let text = std::fs::read_to_string(&snap).expect("snapshot");
    assert!(!text.contains("canary-live-db-pass-4242") && !text.contains("AKIALIVECANARY000042"));
}

#[test]
fn docket_without_arguments_scans_a_reachable_daemon_instead_of_the_demo() {
    if !daemon_available() {
        return;
    }
    let o = Command::new(env!("CARGO_BIN_EXE_docket"))
        .env("DOCKER_HOST", format!("unix://{SOCKET}"))
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("docker unix:///var/run/docker.sock:"), "{err}");
    assert!(!err.contains("embedded demo"), "{err}");
}

/// The daemon that `tests/docker/scenario.sh` starts also listens on 127.0.0.1:23760 with
/// mutual TLS; its client certificates are in `$TMPDIR/docket-docker-tls/client`.
#[test]
fn tls_connection_with_docker_tls_verify_and_cert_path() {
    if !daemon_available() {
        return;
    }
    let dir = std::env::temp_dir()
        .join("docket-docker-tls")
        .join("client");
    if !dir.join("key.pem").exists() {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but the TLS client certificates are missing: scenario.sh should have made them"
        );
        eprintln!(
            "SKIPPED: this daemon was not started by tests/docker/scenario.sh (no TLS endpoint)"
        );
        return;
    }
    let cert_path = dir.to_string_lossy().into_owned();
    let env = |k: &str| match k {
        "DOCKER_HOST" => Some("tcp://127.0.0.1:23760".to_string()),
        "DOCKER_TLS_VERIFY" => Some("1".to_string()),
        "DOCKER_CERT_PATH" => Some(cert_path.clone()),
        _ => None,
    };
    let endpoint = docket::sources::docker_live::resolve(None, &env, None).expect("endpoint");
    assert!(endpoint.uses_tls());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let scan = rt
        .block_on(docket::sources::docker_live::collect(&endpoint, &|_| {}))
        .expect("a TLS scan");
    assert_eq!(scan.snapshot.docker.hosts[0].endpoint_tls, Some(true));
    let r = checks::run(&scan.snapshot, &Selection::default());
    assert!(
        !r.findings.iter().any(|f| f.check_id == "DH-006"),
        "TLS is not plain TCP"
    );
    // The same port without client certificates is refused, with a clear error.
    let plain =
        docket::sources::docker_live::resolve(Some("tcp://127.0.0.1:23760"), &|_| None, None)
            .expect("endpoint");
    let err = rt
        .block_on(docket::sources::docker_live::collect(&plain, &|_| {}))
        .expect_err("plain HTTP to a TLS port fails");
    assert!(err.contains("127.0.0.1:23760"), "{err}");
}
