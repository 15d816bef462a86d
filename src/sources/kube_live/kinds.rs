//! The API resources the live source lists: where each lives in the REST API and whether
//! it is namespaced. This table is also the exact permission set Docket needs
//! (`assets/rbac/docket-reader.yaml` grants `list` on these and nothing else); a test keeps
//! the two in step.

use crate::model::DataKind;
use crate::sources::kube_json;

/// One listable API resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// The object kind, as `kube_json` knows it (`Pod`).
    pub kind: &'static str,
    /// API group; empty for the core group.
    pub group: &'static str,
    pub version: &'static str,
    /// The REST plural (`pods`), which is also the RBAC resource name.
    pub plural: &'static str,
    pub namespaced: bool,
    /// Listed as `PartialObjectMetadataList`: the API server never sends the object's
    /// body. Used for Secrets, whose data Docket must never receive.
    pub metadata_only: bool,
}

const fn r(
    kind: &'static str,
    group: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> Resource {
    Resource {
        kind,
        group,
        version: "v1",
        plural,
        namespaced,
        metadata_only: false,
    }
}

/// Every resource Docket lists, cluster-scoped kinds first (they are small and other
/// kinds' checks need them).
pub const RESOURCES: &[Resource] = &[
    r("Namespace", "", "namespaces", false),
    r("Node", "", "nodes", false),
    r(
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "clusterroles",
        false,
    ),
    r(
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        false,
    ),
    r("Pod", "", "pods", true),
    r("Deployment", "apps", "deployments", true),
    r("ReplicaSet", "apps", "replicasets", true),
    r("StatefulSet", "apps", "statefulsets", true),
    r("DaemonSet", "apps", "daemonsets", true),
    r("Job", "batch", "jobs", true),
    r("CronJob", "batch", "cronjobs", true),
    r("Service", "", "services", true),
    r("Ingress", "networking.k8s.io", "ingresses", true),
    r(
        "NetworkPolicy",
        "networking.k8s.io",
        "networkpolicies",
        true,
    ),
    r("ServiceAccount", "", "serviceaccounts", true),
    r("Role", "rbac.authorization.k8s.io", "roles", true),
    r(
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "rolebindings",
        true,
    ),
    r("ConfigMap", "", "configmaps", true),
    Resource {
        metadata_only: true,
        ..r("Secret", "", "secrets", true)
    },
];

/// The `Accept` header for metadata-only lists.
pub const METADATA_ONLY_ACCEPT: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

impl Resource {
    /// The list path: `/api/v1/pods`, `/apis/apps/v1/namespaces/prod/deployments`.
    /// Cluster-scoped kinds ignore `namespace`.
    pub fn list_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) if self.namespaced => format!("{base}/namespaces/{ns}/{}", self.plural),
            _ => format!("{base}/{}", self.plural),
        }
    }

    /// `apps/v1`, `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The data kind its objects provide to checks.
    pub fn data(&self) -> DataKind {
        kube_json::data_kind(self.kind).unwrap_or(DataKind::KubeWorkloads)
    }

    /// For messages: `pods`, `deployments.apps`.
    pub fn display(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

/// Is `name` a valid namespace name (an RFC 1123 label)? Checked before it goes into a URL.
pub fn valid_namespace(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_is_a_kind_the_normalizer_reads_with_the_same_scope() {
        for res in RESOURCES {
            let entry = kube_json::kind_entry(res.kind)
                .unwrap_or_else(|| panic!("{} is not in kube_json::KINDS", res.kind));
            assert_eq!(entry.namespaced, res.namespaced, "{}", res.kind);
            assert_eq!(entry.data, res.data(), "{}", res.kind);
        }
    }

    #[test]
    fn paths_follow_the_rest_layout() {
        let pod = RESOURCES.iter().find(|r| r.kind == "Pod").unwrap();
        assert_eq!(pod.list_path(None), "/api/v1/pods");
        assert_eq!(pod.list_path(Some("prod")), "/api/v1/namespaces/prod/pods");
        let crb = RESOURCES
            .iter()
            .find(|r| r.kind == "ClusterRoleBinding")
            .unwrap();
        assert_eq!(
            crb.list_path(Some("prod")),
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
        );
        assert_eq!(crb.api_version(), "rbac.authorization.k8s.io/v1");
    }

    #[test]
    fn only_secrets_are_metadata_only() {
        let meta: Vec<_> = RESOURCES
            .iter()
            .filter(|r| r.metadata_only)
            .map(|r| r.kind)
            .collect();
        assert_eq!(meta, vec!["Secret"]);
    }

    #[test]
    fn namespace_names_are_validated_before_use_in_paths() {
        assert!(valid_namespace("kube-system"));
        assert!(valid_namespace("a1"));
        for bad in [
            "",
            "-a",
            "a-",
            "Prod",
            "a/b",
            "a..b",
            "x?y",
            &"a".repeat(64),
        ] {
            assert!(!valid_namespace(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod rbac_manifest {
    use super::RESOURCES;
    use std::collections::BTreeSet;

    /// `assets/rbac/docket-reader.yaml` grants `list` on exactly the resources Docket lists
    /// (plus `get /version`): no more, no less, and no other verb.
    #[test]
    fn the_cluster_role_grants_exactly_what_the_source_lists() {
        let text = include_str!("../../../assets/rbac/docket-reader.yaml");
        let role: serde_json::Value = serde_saphyr::from_str(text).expect("manifest parses");
        assert_eq!(role["kind"], "ClusterRole");
        let mut granted = BTreeSet::new();
        for rule in role["rules"].as_array().expect("rules") {
            let verbs: Vec<&str> = rule["verbs"]
                .as_array()
                .expect("verbs")
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            if let Some(urls) = rule.get("nonResourceURLs") {
                assert_eq!(verbs, ["get"]);
                assert_eq!(urls, &serde_json::json!(["/version"]));
                continue;
            }
            assert_eq!(verbs, ["list"], "only list is granted: {rule}");
            for g in rule["apiGroups"].as_array().expect("apiGroups") {
                for r in rule["resources"].as_array().expect("resources") {
                    granted.insert((
                        g.as_str().unwrap_or("?").to_string(),
                        r.as_str().unwrap_or("?").to_string(),
                    ));
                }
            }
        }
        let needed: BTreeSet<(String, String)> = RESOURCES
            .iter()
            .map(|r| (r.group.to_string(), r.plural.to_string()))
            .collect();
        assert_eq!(granted, needed);
    }
}
