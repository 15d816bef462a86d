//! The live Kubernetes source: connect the way kubectl does (kubeconfig files, contexts,
//! namespaces, in-cluster, exec credential plugins with a timeout), list every resource
//! Docket needs in pages under a concurrency cap, and feed each object through the same
//! normalizer as `kubectl get -o json` files (`sources::kube_json`), so a live scan and a
//! file scan of the same objects give the same findings and fingerprints.
//!
//! Read-only: only `GET` requests are sent, Secrets are listed as metadata only, and what
//! cannot be read (403, 404, timeouts, the overall deadline) is recorded as a coverage gap
//! with its reason, so dependent checks say "not evaluated" instead of passing.

mod collect;
pub mod connect;
mod exec;
pub mod kinds;
mod request;

pub use collect::{
    collect, KindReport, LiveKube, Options, Progress, Stage, CONCURRENCY, PAGE_SIZE,
};
pub use connect::{resolve, Connection, KubeTarget, Scope};
pub use exec::ExecPlugin;
pub use request::{Failure, MAX_RETRIES};
