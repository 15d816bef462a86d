//! A small cluster for the Kubernetes API stand-in, shaped like `kubectl get -o json`
//! output of a real cluster (managedFields, ownerReferences, status), for tests that need a
//! few real-shaped objects rather than a large generated inventory.

use serde_json::{json, Value};

use super::{base64_std, Cluster};

/// Value of the Secret `shop/web-db` key `password` (served base64-encoded in `data`).
/// It must never appear in clear in anything Docket writes.
pub const SECRET_CANARY: &str = "canary-standin-db-pass-3391";
/// Literal env value `API_TOKEN` of the `web` containers. It must never appear in clear in
/// anything Docket writes.
pub const ENV_CANARY: &str = "canary-standin-env-token-6612";

pub const NAMESPACES: [&str; 2] = ["ops", "shop"];
pub const DEPLOYMENT: &str = "web";
pub const REPLICASET: &str = "web-7d4b9c8f6";
/// The three Pods of [`REPLICASET`], in the order a real server lists them.
pub const PODS: [&str; 3] = [
    "web-7d4b9c8f6-2xk9p",
    "web-7d4b9c8f6-8mfqz",
    "web-7d4b9c8f6-tq4ld",
];
pub const SECRET: &str = "web-db";
pub const CLUSTER_ROLE: &str = "secret-reader";

const DEPLOYMENT_UID: &str = "3f0c2a9e-6a52-4b8e-9d0f-1e2a7c4b5d61";
const REPLICASET_UID: &str = "8b1d4e7f-2c3a-4f5b-a6d7-9e0f1a2b3c4d";

/// Two namespaces, Deployment `shop/web` with its ReplicaSet and three Pods, Secret
/// `shop/web-db` with data, and ClusterRole `secret-reader`.
pub fn small_cluster() -> Cluster {
    let mut objects = vec![
        namespace("shop", "b0c2d1e4-0d3e-4c55-8f7a-1a2b3c4d5e01", "120"),
        namespace("ops", "b0c2d1e4-0d3e-4c55-8f7a-1a2b3c4d5e02", "121"),
        deployment(),
        replicaset(),
        secret(),
        cluster_role(),
    ];
    let pods = [
        ("10.244.1.14", "worker-1"),
        ("10.244.2.9", "worker-2"),
        ("10.244.1.15", "worker-1"),
    ];
    for (i, (name, (ip, node))) in PODS.iter().zip(pods).enumerate() {
        objects.push(pod(name, ip, node, 2301 + i as u64));
    }
    Cluster { objects }
}

fn namespace(name: &str, uid: &str, rv: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "creationTimestamp": "2026-09-30T08:00:00Z",
            "labels": {"kubernetes.io/metadata.name": name},
            "managedFields": [{
                "apiVersion": "v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:kubernetes.io/metadata.name": {}}}},
                "manager": "kubectl-create",
                "operation": "Update",
                "time": "2026-09-30T08:00:00Z"
            }],
            "name": name,
            "resourceVersion": rv,
            "uid": uid
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"}
    })
}

/// The pod template shared by the Deployment, its ReplicaSet and its Pods.
fn web_container() -> Value {
    json!({
        "env": [
            {"name": "API_TOKEN", "value": ENV_CANARY},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": SECRET}}}
        ],
        "image": "registry.example.com/shop/web:1.8.2",
        "imagePullPolicy": "IfNotPresent",
        "name": "web",
        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        "resources": {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": true,
            "runAsUser": 10001
        },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File"
    })
}

fn template(hash: Option<&str>) -> Value {
    let mut labels = json!({"app": "web", "tier": "frontend"});
    if let Some(h) = hash {
        labels["pod-template-hash"] = json!(h);
    }
    json!({
        "metadata": {"creationTimestamp": null, "labels": labels},
        "spec": {
            "containers": [web_container()],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "serviceAccountName": "web",
            "terminationGracePeriodSeconds": 30
        }
    })
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "annotations": {"deployment.kubernetes.io/revision": "3"},
            "creationTimestamp": "2026-10-01T10:00:00Z",
            "generation": 3,
            "labels": {"app": "web"},
            "managedFields": [
                {
                    "apiVersion": "apps/v1",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:env": {}, "f:image": {}}}}}}},
                    "manager": "kubectl-client-side-apply",
                    "operation": "Update",
                    "time": "2026-10-01T10:00:00Z"
                },
                {
                    "apiVersion": "apps/v1",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:status": {"f:availableReplicas": {}, "f:readyReplicas": {}}},
                    "manager": "kube-controller-manager",
                    "operation": "Update",
                    "subresource": "status",
                    "time": "2026-10-02T09:14:30Z"
                }
            ],
            "name": DEPLOYMENT,
            "namespace": "shop",
            "resourceVersion": "2290",
            "uid": DEPLOYMENT_UID
        },
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
            "template": template(None)
        },
        "status": {
            "availableReplicas": 3,
            "conditions": [{
                "lastTransitionTime": "2026-10-02T09:14:30Z",
                "lastUpdateTime": "2026-10-02T09:14:30Z",
                "message": "Deployment has minimum availability.",
                "reason": "MinimumReplicasAvailable",
                "status": "True",
                "type": "Available"
            }],
            "observedGeneration": 3,
            "readyReplicas": 3,
            "replicas": 3,
            "updatedReplicas": 3
        }
    })
}

fn owner(api_version: &str, kind: &str, name: &str, uid: &str) -> Value {
    json!([{
        "apiVersion": api_version,
        "blockOwnerDeletion": true,
        "controller": true,
        "kind": kind,
        "name": name,
        "uid": uid
    }])
}

fn replicaset() -> Value {
    let hash = REPLICASET.trim_start_matches("web-");
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "annotations": {"deployment.kubernetes.io/desired-replicas": "3", "deployment.kubernetes.io/revision": "3"},
            "creationTimestamp": "2026-10-02T09:14:11Z",
            "generation": 1,
            "labels": {"app": "web", "pod-template-hash": hash, "tier": "frontend"},
            "managedFields": [{
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:ownerReferences": {".": {}, format!("k:{{\"uid\":\"{DEPLOYMENT_UID}\"}}"): {}}}},
                "manager": "kube-controller-manager",
                "operation": "Update",
                "time": "2026-10-02T09:14:11Z"
            }],
            "name": REPLICASET,
            "namespace": "shop",
            "ownerReferences": owner("apps/v1", "Deployment", DEPLOYMENT, DEPLOYMENT_UID),
            "resourceVersion": "2288",
            "uid": REPLICASET_UID
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": hash}},
            "template": template(Some(hash))
        },
        "status": {"availableReplicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1, "readyReplicas": 3, "replicas": 3}
    })
}

fn pod(name: &str, ip: &str, node: &str, rv: u64) -> Value {
    let hash = REPLICASET.trim_start_matches("web-");
    let spec = template(Some(hash))["spec"].clone();
    let mut pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "creationTimestamp": "2026-10-02T09:14:12Z",
            "generateName": format!("{REPLICASET}-"),
            "labels": {"app": "web", "pod-template-hash": hash, "tier": "frontend"},
            "managedFields": [{
                "apiVersion": "v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:env": {}}}}},
                "manager": "kube-controller-manager",
                "operation": "Update",
                "time": "2026-10-02T09:14:12Z"
            }],
            "name": name,
            "namespace": "shop",
            "ownerReferences": owner("apps/v1", "ReplicaSet", REPLICASET, REPLICASET_UID),
            "resourceVersion": rv.to_string(),
            "uid": format!("5c9e1f3a-7b2d-4e6f-8a1b-{:012x}", rv)
        },
        "spec": spec,
        "status": {
            "conditions": [{"lastTransitionTime": "2026-10-02T09:14:20Z", "status": "True", "type": "Ready"}],
            "containerStatuses": [{
                "containerID": format!("containerd://{:064x}", rv),
                "image": "registry.example.com/shop/web:1.8.2",
                "imageID": "registry.example.com/shop/web@sha256:4f1c9b2e8d7a6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
                "name": "web",
                "ready": true,
                "restartCount": 0,
                "started": true,
                "state": {"running": {"startedAt": "2026-10-02T09:14:18Z"}}
            }],
            "hostIP": "10.0.1.11",
            "phase": "Running",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "qosClass": "Burstable",
            "startTime": "2026-10-02T09:14:12Z"
        }
    });
    pod["spec"]["nodeName"] = json!(node);
    pod
}

fn secret() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "data": {
            "password": base64_std(SECRET_CANARY.as_bytes()),
            "username": base64_std(b"web")
        },
        "metadata": {
            "creationTimestamp": "2026-10-01T09:58:00Z",
            "managedFields": [{
                "apiVersion": "v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:data": {".": {}, "f:password": {}, "f:username": {}}, "f:type": {}},
                "manager": "kubectl-create",
                "operation": "Update",
                "time": "2026-10-01T09:58:00Z"
            }],
            "name": SECRET,
            "namespace": "shop",
            "resourceVersion": "2101",
            "uid": "e4d3c2b1-a0f9-4e8d-b7c6-a5f4e3d2c1b0"
        },
        "type": "Opaque"
    })
}

fn cluster_role() -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {
            "creationTimestamp": "2026-09-30T08:05:00Z",
            "managedFields": [{
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:rules": {}},
                "manager": "kubectl-create",
                "operation": "Update",
                "time": "2026-09-30T08:05:00Z"
            }],
            "name": CLUSTER_ROLE,
            "resourceVersion": "140",
            "uid": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
        },
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}]
    })
}
