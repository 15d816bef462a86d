//! The live Docker source: connect like the docker CLI, read the inventory with bounded
//! concurrency, and feed every API object through the same normalizers as `docker
//! inspect` JSON files (`sources::docker_json`), so live and file scans agree.
//!
//! Per-object failures (a container removed between list and inspect, a timeout) do not
//! stop the scan: they become warnings or coverage gaps, and a daemon that goes away mid-
//! scan yields a partial snapshot whose coverage says what is missing.

mod collect;
pub mod endpoint;

/// The bollard client for an endpoint, shared with the apply path (`sources::apply`).
pub(crate) use collect::connect;
pub use collect::{collect, LiveDocker};
pub use endpoint::{resolve, Endpoint};
