//! `docket demo generate`: a deterministic synthetic cluster of any size, to try Docket at
//! scale, to feed the Kubernetes API stand-in, and for the benches.

use clap::{Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

use super::{output, UserError};
use crate::synth::{self, ClusterSpec, DEFAULT_SEED};

/// Largest cluster `generate` writes (Kubernetes' own threshold is 150,000 pods).
pub const MAX_PODS: usize = 1_000_000;

#[derive(Debug, Subcommand)]
pub enum DemoCmd {
    /// Write a synthetic cluster (nodes, namespaces, workloads, services, policies, RBAC,
    /// config maps, secrets, with a realistic share of problems). Same options, same bytes.
    Generate {
        /// Number of pods; every other size follows (nodes = pods/30, namespaces = pods/50).
        #[arg(long, default_value_t = 1000)]
        pods: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// `kubectl` (a `kubectl get -o json` List) or `snapshot` (a Docket snapshot).
        #[arg(long, value_enum, default_value_t = GenFormat::Kubectl)]
        format: GenFormat,
        /// Where to write it.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    Kubectl,
    Snapshot,
}

pub fn run(cmd: &DemoCmd) -> Result<u8, UserError> {
    let DemoCmd::Generate {
        pods,
        seed,
        format,
        output: path,
    } = cmd;
    if *pods == 0 || *pods > MAX_PODS {
        return Err(UserError::usage(format!(
            "--pods {pods}: give a number from 1 to {MAX_PODS}"
        )));
    }
    let spec = ClusterSpec {
        pods: *pods,
        seed: *seed,
    };
    let mut objects = 0usize;
    let written = match format {
        GenFormat::Kubectl => output::write_atomic_with(path, &mut |w| {
            objects = write_kubectl_list(&spec, w)?;
            Ok(())
        }),
        GenFormat::Snapshot => {
            let (snap, n) = synth::snapshot(&spec);
            objects = n;
            output::write_atomic_with(path, &mut |w| {
                serde_json::to_writer(&mut *w, &snap).map_err(std::io::Error::other)
            })
        }
    };
    written.map_err(|e| {
        UserError::usage(format!(
            "cannot write {}: {e}. Check that the directory exists and is writable.",
            path.display()
        ))
    })?;
    eprintln!(
        "docket: wrote {objects} objects ({pods} pods, seed {seed}) to {}",
        path.display()
    );
    Ok(0)
}

/// Stream a kubectl List: one object in memory at a time.
fn write_kubectl_list(spec: &ClusterSpec, w: &mut dyn Write) -> std::io::Result<usize> {
    w.write_all(
        br#"{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":["#,
    )?;
    let mut n = 0usize;
    let mut result = Ok(());
    synth::generate(spec, &mut |obj| {
        if result.is_err() {
            return;
        }
        result = (|| {
            if n > 0 {
                w.write_all(b",")?;
            }
            serde_json::to_writer(&mut *w, &obj).map_err(std::io::Error::other)
        })();
        n += 1;
    });
    result?;
    w.write_all(b"]}\n")?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_list_loads_like_the_generator_output() {
        let spec = ClusterSpec::with_pods(40);
        let mut buf = Vec::new();
        let n = write_kubectl_list(&spec, &mut buf).unwrap();
        assert_eq!(n, synth::generate_vec(&spec).len());
        let loaded = crate::sources::load_bytes("gen.json", &buf).unwrap();
        let (snap, objects) = synth::snapshot(&spec);
        assert_eq!(
            loaded.snapshot.kube.workloads.len(),
            snap.kube.workloads.len()
        );
        assert_eq!(objects, n);
    }
}
