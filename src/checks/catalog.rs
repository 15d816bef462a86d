//! The whole catalog, in a stable order (family, then id).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::{
    docker_container, docker_host, docker_image, kube_network, kube_pss, kube_rbac, kube_workload,
    secrets, Check,
};

static CATALOG: LazyLock<Vec<Check>> = LazyLock::new(|| {
    let mut all: Vec<Check> = [
        docker_host::CHECKS,
        docker_image::CHECKS,
        docker_container::CHECKS,
        kube_workload::CHECKS,
        kube_pss::CHECKS,
        kube_rbac::CHECKS,
        kube_network::CHECKS,
        secrets::CHECKS,
    ]
    .concat();
    all.sort_by(|a, b| a.family.cmp(&b.family).then(a.id.cmp(b.id)));
    all
});

pub fn catalog() -> &'static [Check] {
    &CATALOG
}

static BY_ID: LazyLock<HashMap<&'static str, &'static Check>> =
    LazyLock::new(|| catalog().iter().map(|c| (c.id, c)).collect());

/// The check with this id (any case). Called per finding by reports and views.
pub fn find(id: &str) -> Option<&'static Check> {
    BY_ID
        .get(id)
        .copied()
        .or_else(|| catalog().iter().find(|c| c.id.eq_ignore_ascii_case(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique() {
        let mut seen = BTreeSet::new();
        for c in catalog() {
            assert!(seen.insert(c.id), "duplicate check id {}", c.id);
        }
    }

    #[test]
    fn metadata_is_complete() {
        for c in catalog() {
            assert!(!c.title.trim().is_empty(), "{}: title", c.id);
            assert!(c.rationale.len() >= 40, "{}: rationale too thin", c.id);
            assert!(c.remediation.len() >= 20, "{}: remediation too thin", c.id);
            assert!(!c.refs.is_empty(), "{}: no cross-reference", c.id);
            assert!(
                !c.controls.is_empty(),
                "{}: maps to no framework control",
                c.id
            );
            assert!(!c.needs.is_empty(), "{}: declares no data it needs", c.id);
            let prefix = c.id.split('-').next().unwrap_or_default();
            let expected = match c.family {
                super::super::Family::DockerHost => "DH",
                super::super::Family::DockerImage => "DI",
                super::super::Family::DockerContainer => "DC",
                super::super::Family::KubeWorkload => "KW",
                super::super::Family::KubeRbac => "KR",
                super::super::Family::KubeNetwork => "KN",
                super::super::Family::Secrets => "SC",
            };
            assert_eq!(
                prefix, expected,
                "{}: id prefix does not match family",
                c.id
            );
        }
    }

    #[test]
    fn every_control_used_exists_in_the_framework_list() {
        for c in catalog() {
            for ctl in c.controls {
                assert!(
                    super::super::frameworks::ALL_CONTROLS.contains(ctl),
                    "{}: control {:?} missing from ALL_CONTROLS",
                    c.id,
                    ctl.id
                );
            }
        }
    }
}
