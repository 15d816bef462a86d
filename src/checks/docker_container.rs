//! Container runtime checks (CIS Docker Benchmark section 5), over `docker inspect` data.

use super::frameworks::*;
use super::{container_ref, Check, Family, Out, Severity};
use crate::findings::Evidence;
use crate::model::{DataKind, Snapshot};

const NEEDS: &[DataKind] = &[DataKind::DockerContainers];

pub const CHECKS: &[Check] = &[Check {
    id: "DC-001",
    title: "Container runs privileged",
    family: Family::DockerContainer,
    severity: Severity::Critical,
    rationale: "A privileged container gets every capability, every host device and no seccomp or AppArmor confinement: root in it is root on the host.",
    remediation: "Remove `--privileged` (compose: `privileged: true`); add only the capabilities and devices the workload needs with `--cap-add` and `--device`.",
    refs: &["CIS-D 5.5", "PSS baseline: privileged", "NIST 800-190 4.4.3"],
    controls: HOST_ISOLATION,
    needs: NEEDS,
    run: privileged,
}];

fn privileged(s: &Snapshot, out: &mut Out) {
    for c in s.docker.containers.iter().filter(|c| c.privileged) {
        out.emit(
            container_ref(c),
            "",
            format!("container {} runs with --privileged", c.name),
            vec![Evidence::new("HostConfig.Privileged", "true")],
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{container, docker, run_check};

    #[test]
    fn dc001_privileged() {
        let mut bad = container("bad");
        bad.privileged = true;
        let f = run_check("DC-001", &docker(vec![bad, container("good")]));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].resource.name, "bad");
        assert!(run_check("DC-001", &docker(vec![container("good")])).is_empty());
    }
}
