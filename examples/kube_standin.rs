//! Runs the Kubernetes API stand-in (tests/support/kube_standin.rs) as a process, for
//! manual measurements of the live Kubernetes source against large generated inventories:
//!
//! ```text
//! cargo run --release --example kube_standin -- --port 0 --objects FILE.json --kubeconfig PATH
//! docket ... --kubeconfig PATH --context standin
//! ```
//!
//! `--objects` takes `kubectl get -o json` output (a `List`, an array or one object); without
//! it the small built-in cluster is served. `--token T` makes the stand-in require that bearer
//! token and writes it into the kubeconfig. The URL goes to stdout; the request count goes to
//! stderr whenever it changed (at most once a second), so the last line before the process is
//! killed is the total.

#[allow(dead_code)]
#[path = "../tests/support/kube_standin.rs"]
mod kube_standin;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use kube_standin::{write_kubeconfig, Cluster, Faults, StandIn, UserSpec};

/// Command-line options, parsed by hand: there are four.
#[derive(Default)]
struct Args {
    port: u16,
    objects: Option<PathBuf>,
    kubeconfig: Option<PathBuf>,
    token: Option<String>,
}

const USAGE: &str =
    "usage: kube_standin [--port N] [--objects FILE.json] [--kubeconfig PATH] [--token TOKEN]";

fn parse_args() -> Result<Args> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let value = it
            .next()
            .with_context(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--port" => {
                args.port = value
                    .parse()
                    .with_context(|| format!("bad --port {value:?}"))?
            }
            "--objects" => args.objects = Some(value.into()),
            "--kubeconfig" => args.kubeconfig = Some(value.into()),
            "--token" => args.token = Some(value),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(args)
}

fn load_cluster(objects: Option<&PathBuf>) -> Result<Cluster> {
    let Some(path) = objects else {
        return Ok(kube_standin::small_cluster());
    };
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let value =
        serde_json::from_slice(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(Cluster::from_json(value))
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let cluster = load_cluster(args.objects.as_ref())?;
    let unserved = cluster.unserved();
    if !unserved.is_empty() {
        eprintln!(
            "not served ({} objects): {}",
            unserved.len(),
            summarize(&unserved)
        );
    }
    let objects = cluster.objects.len() - unserved.len();
    let faults = Faults {
        require_token: args.token.clone(),
        ..Faults::default()
    };
    let standin = StandIn::start_on(args.port, cluster, faults).context("starting the stand-in")?;
    println!("{}", standin.url());
    eprintln!("serving {objects} objects at {}", standin.url());
    if let Some(path) = &args.kubeconfig {
        let user = args.token.map_or(UserSpec::None, UserSpec::Token);
        write_kubeconfig(path, &[standin.context("standin", user)])
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("kubeconfig with context \"standin\": {}", path.display());
    }
    report_requests(&standin)
}

/// Each distinct kind once, with its count.
fn summarize(kinds: &[String]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for k in kinds {
        *counts.entry(k.as_str()).or_insert(0usize) += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} x{n}")).collect();
    parts.join(", ")
}

/// Serves until killed, printing the request count when it changes.
fn report_requests(standin: &StandIn) -> Result<()> {
    let mut last = 0;
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let count = standin.request_count();
        if count != last {
            eprintln!("requests: {count}");
            last = count;
        }
    }
}
