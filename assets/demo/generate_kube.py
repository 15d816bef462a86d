#!/usr/bin/env python3
"""Generates the Kubernetes half of Docket's embedded demo inventory (Lumen Health,
cluster `lumen-prod`, EKS) as `kubectl get -o yaml`-style multi-document manifests, one
file per namespace or concern under kube/.

The YAML files are the source of truth that `src/sources/demo.rs` embeds; this script only
exists so the data can be regenerated consistently after an edit:
`python3 assets/demo/generate_kube.py` (needs PyYAML). Every secret-looking value planted
here must also be listed in tests/fixtures/canaries.txt.
"""

import base64
import copy
import hashlib
import json
import os
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "kube")
REG = "registry.lumen.health"
CREATED = "2025-03-11T09:14:22Z"
NODES = [
    "ip-10-40-11-23.eu-central-1.compute.internal",
    "ip-10-40-12-87.eu-central-1.compute.internal",
    "ip-10-40-13-142.eu-central-1.compute.internal",
]


def uid(*parts):
    return str(uuid.UUID(hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]))


def rv(*parts):
    return str(int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:7], 16))


def b64(text):
    return base64.b64encode(text.encode()).decode()


def meta(kind, name, ns=None, labels=None, annotations=None, created=CREATED, owners=None,
         generation=None):
    m = {"name": name, "uid": uid(kind, ns or "", name), "resourceVersion": rv(kind, ns or "", name),
         "creationTimestamp": created}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    if owners:
        m["ownerReferences"] = owners
    if generation:
        m["generation"] = generation
    return m


def owner(kind, name, ns, api="apps/v1"):
    return {"apiVersion": api, "kind": kind, "name": name, "uid": uid(kind, ns, name),
            "controller": True, "blockOwnerDeletion": True}


# ---------------------------------------------------------------- containers

def probe(path="/healthz", port=8080, kind="http"):
    if kind == "tcp":
        p = {"tcpSocket": {"port": port}}
    elif kind == "exec":
        p = {"exec": {"command": path}}
    else:
        p = {"httpGet": {"path": path, "port": port, "scheme": "HTTP"}}
    p.update({"initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 1,
              "successThreshold": 1, "failureThreshold": 3})
    return p


def res(rcpu=None, rmem=None, lcpu=None, lmem=None):
    r = {}
    if rcpu or rmem:
        r["requests"] = {k: v for k, v in (("cpu", rcpu), ("memory", rmem)) if v}
    if lcpu or lmem:
        r["limits"] = {k: v for k, v in (("cpu", lcpu), ("memory", lmem)) if v}
    return r


HARDENED_SC = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "runAsGroup": 10001,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def ctr(name, image, *, ports=(), env=(), env_from=(), args=None, command=None, sc=None,
        resources=None, liveness=None, readiness=None, startup=None, mounts=(), pull=None):
    c = {"name": name, "image": image}
    if pull is None:
        pull = "Always" if image.endswith(":latest") else "IfNotPresent"
    c["imagePullPolicy"] = pull
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    if env:
        c["env"] = list(env)
    if env_from:
        c["envFrom"] = list(env_from)
    if ports:
        c["ports"] = [dict(p, protocol=p.get("protocol", "TCP")) for p in ports]
    c["resources"] = resources or {}
    if sc:
        c["securityContext"] = sc
    if liveness:
        c["livenessProbe"] = liveness
    if readiness:
        c["readinessProbe"] = readiness
    if startup:
        c["startupProbe"] = startup
    if mounts:
        c["volumeMounts"] = list(mounts)
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    return c


def lit(name, value):
    return {"name": name, "value": value}


def from_secret(name, secret, key):
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def from_cm(name, cm, key):
    return {"name": name, "valueFrom": {"configMapKeyRef": {"name": cm, "key": key}}}


def field(name, path):
    return {"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}}


def pod_spec(containers, *, sa=None, automount=None, sc=None, volumes=(), host_network=False,
             host_pid=False, host_ipc=False, init=(), restart="Always", node=None,
             tolerations=None, dns=None, priority=None, node_selector=None):
    s = {"containers": containers}
    if init:
        s["initContainers"] = list(init)
    if sa:
        s["serviceAccountName"] = sa
        s["serviceAccount"] = sa
    if automount is not None:
        s["automountServiceAccountToken"] = automount
    s["securityContext"] = sc or {}
    if volumes:
        s["volumes"] = list(volumes)
    if host_network:
        s["hostNetwork"] = True
    if host_pid:
        s["hostPID"] = True
    if host_ipc:
        s["hostIPC"] = True
    s["restartPolicy"] = restart
    s["dnsPolicy"] = dns or ("ClusterFirstWithHostNet" if host_network else "ClusterFirst")
    s["schedulerName"] = "default-scheduler"
    s["terminationGracePeriodSeconds"] = 30
    if node:
        s["nodeName"] = node
    if tolerations:
        s["tolerations"] = tolerations
    if priority:
        s["priorityClassName"] = priority
    if node_selector:
        s["nodeSelector"] = node_selector
    return s


def template(labels, spec, annotations=None):
    m = {"labels": labels}
    if annotations:
        m["annotations"] = annotations
    return {"metadata": m, "spec": spec}


def app_labels(name, component, part_of="lumen", version=None, classification=None,
               owner_team=None, extra=None):
    labels = {
        "app": name,
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": part_of,
    }
    if version:
        labels["app.kubernetes.io/version"] = version
    if classification:
        labels["docket.io/data-classification"] = classification
    if owner_team:
        labels["docket.io/owner"] = owner_team
    labels.update(extra or {})
    return labels


def deployment(name, ns, labels, spec, *, replicas=2, annotations=None, tmpl_annotations=None,
               created=CREATED, ready=None):
    sel = {"app": labels["app"]}
    tlabels = {k: v for k, v in labels.items()}
    ready = replicas if ready is None else ready
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta("Deployment", name, ns, labels, dict({"deployment.kubernetes.io/revision": "7"}, **(annotations or {})), created, generation=7),
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
            "selector": {"matchLabels": sel},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": template(tlabels, spec, tmpl_annotations),
        },
        "status": {"observedGeneration": 7, "replicas": replicas, "readyReplicas": ready,
                   "availableReplicas": ready, "updatedReplicas": replicas},
    }


def statefulset(name, ns, labels, spec, *, replicas=1, service=None, claims=()):
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta("StatefulSet", name, ns, labels, generation=3),
        "spec": {
            "replicas": replicas,
            "serviceName": service or name,
            "podManagementPolicy": "OrderedReady",
            "selector": {"matchLabels": {"app": labels["app"]}},
            "template": template(dict(labels), spec),
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "volumeClaimTemplates": [
                {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                 "metadata": {"name": c[0]},
                 "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3",
                          "resources": {"requests": {"storage": c[1]}}, "volumeMode": "Filesystem"}}
                for c in claims],
        },
        "status": {"replicas": replicas, "readyReplicas": replicas, "currentReplicas": replicas,
                   "updatedReplicas": replicas, "availableReplicas": replicas},
    }


def daemonset(name, ns, labels, spec):
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": meta("DaemonSet", name, ns, labels, generation=2),
        "spec": {
            "selector": {"matchLabels": {"app": labels["app"]}},
            "template": template(dict(labels), spec),
            "updateStrategy": {"type": "RollingUpdate",
                               "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
        },
        "status": {"currentNumberScheduled": 3, "desiredNumberScheduled": 3, "numberReady": 3,
                   "numberAvailable": 3, "updatedNumberScheduled": 3, "numberMisscheduled": 0},
    }


def cronjob(name, ns, labels, schedule, spec, *, annotations=None):
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": meta("CronJob", name, ns, labels, annotations),
        "spec": {
            "schedule": schedule,
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 1,
            "suspend": False,
            "jobTemplate": {"spec": {"backoffLimit": 2, "template": template(dict(labels), spec)}},
        },
        "status": {"lastScheduleTime": "2026-11-01T02:00:00Z",
                   "lastSuccessfulTime": "2026-11-01T02:06:41Z"},
    }


def job(name, ns, labels, spec, *, owners=None, created=CREATED, succeeded=1):
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("Job", name, ns, labels, created=created, owners=owners),
        "spec": {"backoffLimit": 2, "completions": 1, "parallelism": 1,
                 "ttlSecondsAfterFinished": 86400 if not owners else None,
                 "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid("Job", ns, name)}},
                 "template": template(dict(labels, **{"batch.kubernetes.io/job-name": name,
                                                      "job-name": name}), spec)},
        "status": {"succeeded": succeeded, "startTime": created,
                   "completionTime": created.replace(":14:", ":16:") if succeeded else None},
    }


def replicaset_and_pods(dep, hash_, pods, node_for):
    """A Deployment's current ReplicaSet and its Pods, as the controllers create them."""
    name = dep["metadata"]["name"]
    ns = dep["metadata"]["namespace"]
    rs_name = f"{name}-{hash_}"
    tmpl = copy.deepcopy(dep["spec"]["template"])
    tmpl["metadata"]["labels"]["pod-template-hash"] = hash_
    rs_labels = dict(tmpl["metadata"]["labels"])
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta("ReplicaSet", rs_name, ns, rs_labels,
                         {"deployment.kubernetes.io/desired-replicas": str(dep["spec"]["replicas"]),
                          "deployment.kubernetes.io/max-replicas": str(dep["spec"]["replicas"] + 1),
                          "deployment.kubernetes.io/revision": "7"},
                         created="2026-10-28T15:02:09Z",
                         owners=[owner("Deployment", name, ns)], generation=1),
        "spec": {
            "replicas": dep["spec"]["replicas"],
            "selector": {"matchLabels": dict(dep["spec"]["selector"]["matchLabels"],
                                             **{"pod-template-hash": hash_})},
            "template": tmpl,
        },
        "status": {"replicas": len(pods), "readyReplicas": len(pods),
                   "availableReplicas": len(pods), "fullyLabeledReplicas": len(pods),
                   "observedGeneration": 1},
    }
    out = [rs]
    for i, suffix in enumerate(pods):
        pname = f"{rs_name}-{suffix}"
        spec = copy.deepcopy(tmpl["spec"])
        spec["nodeName"] = node_for(i)
        spec["enableServiceLinks"] = True
        spec["preemptionPolicy"] = "PreemptLowerPriority"
        spec["priority"] = 0
        spec["tolerations"] = [
            {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
             "tolerationSeconds": 300},
            {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
             "tolerationSeconds": 300},
        ]
        sa = spec.get("serviceAccountName", "default")
        spec.setdefault("serviceAccountName", sa)
        spec.setdefault("serviceAccount", sa)
        token_vol = f"kube-api-access-{hashlib.sha256(pname.encode()).hexdigest()[:5]}"
        if spec.get("automountServiceAccountToken") is not False:
            spec.setdefault("volumes", []).append({
                "name": token_vol,
                "projected": {"defaultMode": 420, "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt",
                                   "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                        "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
                ]},
            })
            for c in spec["containers"]:
                c.setdefault("volumeMounts", []).append({
                    "name": token_vol, "readOnly": True,
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"})
        ip = f"10.40.{11 + (i % 3)}.{(int(hashlib.sha256(pname.encode()).hexdigest()[:4], 16) % 200) + 20}"
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": meta("Pod", pname, ns, dict(tmpl["metadata"]["labels"]),
                             tmpl["metadata"].get("annotations"),
                             created="2026-10-28T15:02:10Z",
                             owners=[owner("ReplicaSet", rs_name, ns)]),
            "spec": spec,
            "status": {
                "phase": "Running",
                "hostIP": f"10.40.{11 + (i % 3)}.{[23, 87, 142][i % 3]}",
                "podIP": ip,
                "podIPs": [{"ip": ip}],
                "qosClass": "Burstable" if any(c.get("resources") for c in spec["containers"]) else "BestEffort",
                "startTime": "2026-10-28T15:02:10Z",
                "conditions": [
                    {"type": t, "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": "2026-10-28T15:02:31Z"}
                    for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
                "containerStatuses": [
                    {"name": c["name"], "image": c["image"],
                     "imageID": c["image"].split("@")[0].split(":")[0] + "@sha256:" +
                     hashlib.sha256(c["image"].encode()).hexdigest(),
                     "containerID": "containerd://" + hashlib.sha256((pname + c["name"]).encode()).hexdigest(),
                     "ready": True, "restartCount": 0, "started": True,
                     "state": {"running": {"startedAt": "2026-10-28T15:02:14Z"}}}
                    for c in spec["containers"]],
            },
        }
        out.append(pod)
    return out


def service(name, ns, selector, ports, *, type_="ClusterIP", cluster_ip=None, labels=None,
            external_ips=None, lb=None, annotations=None, headless=False):
    ip = "None" if headless else (cluster_ip or "172.20.%d.%d" % (
        int(hashlib.sha256((ns + name).encode()).hexdigest()[:2], 16) % 250,
        int(hashlib.sha256((name + ns).encode()).hexdigest()[:2], 16) % 250 + 2))
    spec = {"type": type_, "clusterIP": ip, "clusterIPs": [ip], "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None",
            "internalTrafficPolicy": "Cluster", "ports": ports}
    if selector:
        spec["selector"] = selector
    if external_ips:
        spec["externalIPs"] = external_ips
    if type_ in ("NodePort", "LoadBalancer"):
        spec["externalTrafficPolicy"] = "Cluster" if type_ == "NodePort" else "Local"
    s = {"apiVersion": "v1", "kind": "Service",
         "metadata": meta("Service", name, ns, labels or {"app": (selector or {}).get("app", name)},
                          annotations),
         "spec": spec,
         "status": {"loadBalancer": {"ingress": [lb]} if lb else {}}}
    return s


def port(name, p, target=None, node_port=None):
    d = {"name": name, "port": p, "protocol": "TCP", "targetPort": target if target is not None else p}
    if node_port:
        d["nodePort"] = node_port
    return d


def ingress(name, ns, rules, *, tls=None, annotations=None, labels=None):
    spec = {"ingressClassName": "nginx", "rules": [
        {"host": host, "http": {"paths": [
            {"path": path, "pathType": "Prefix",
             "backend": {"service": {"name": svc, "port": {"number": p}}}}
            for (path, svc, p) in paths]}}
        for (host, paths) in rules]}
    if tls:
        spec["tls"] = tls
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta("Ingress", name, ns, labels, annotations, generation=2),
            "spec": spec,
            "status": {"loadBalancer": {"ingress": [{"hostname": LB_HOST}]}}}


def netpol(name, ns, pod_selector, *, types=None, ingress=None, egress=None, labels=None):
    spec = {"podSelector": pod_selector}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    if types:
        spec["policyTypes"] = types
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta("NetworkPolicy", name, ns, labels, generation=1), "spec": spec}


def sa(name, ns, automount=None, annotations=None, labels=None):
    d = {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": meta("ServiceAccount", name, ns, labels, annotations)}
    if automount is not None:
        d["automountServiceAccountToken"] = automount
    return d


def configmap(name, ns, data, labels=None, annotations=None):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": meta("ConfigMap", name, ns, labels, annotations), "data": data}


def secret(name, ns, keys, type_="Opaque", labels=None, annotations=None):
    return {"apiVersion": "v1", "kind": "Secret", "type": type_,
            "metadata": meta("Secret", name, ns, labels, annotations),
            "data": {k: b64(f"demo placeholder for {k} (not a secret)") for k in keys}}


def role(name, ns, rules, labels=None, annotations=None):
    kind = "ClusterRole" if ns is None else "Role"
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
            "metadata": meta(kind, name, ns, labels, annotations), "rules": rules}


def rule(groups, resources, verbs, names=None):
    r = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        r["resourceNames"] = names
    return r


def binding(name, ns, role_kind, role_name, subjects, labels=None, annotations=None):
    kind = "ClusterRoleBinding" if ns is None else "RoleBinding"
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
            "metadata": meta(kind, name, ns, labels, annotations),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
            "subjects": subjects}


def user(name):
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": name}


def group(name):
    return {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": name}


def sa_subject(name, ns):
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


LB_HOST = "a3f1c9e2b7d84e06a1b2c3d4e5f60718-1432981167.eu-central-1.elb.amazonaws.com"
ROOT_CA = "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI1MDMxMTA5MDk1NloXDTM1MDMwOTA5MDk1NlowFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL1u\n-----END CERTIFICATE-----\n"

FILES = {}


def add(file, *objs):
    FILES.setdefault(file, []).extend(objs)


# ================================================================ namespaces, nodes

def ns_obj(name, psa=None, extra=None, created=CREATED):
    labels = {"kubernetes.io/metadata.name": name}
    for mode, level in (psa or {}).items():
        labels[f"pod-security.kubernetes.io/{mode}"] = level
        labels[f"pod-security.kubernetes.io/{mode}-version"] = "latest"
    labels.update(extra or {})
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": meta("Namespace", name, None, labels, created=created),
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


add("namespaces.yaml",
    ns_obj("default", created="2025-03-11T09:09:58Z"),
    ns_obj("kube-system", created="2025-03-11T09:09:56Z"),
    ns_obj("ingress-nginx", {"enforce": "baseline"},
           {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx"}),
    ns_obj("web", {"warn": "baseline"}, {"lumen.health/team": "frontend"}),
    ns_obj("patients", {"enforce": "baseline", "audit": "restricted", "warn": "restricted"},
           {"lumen.health/team": "backend", "docket.io/data-classification": "special-category"}),
    ns_obj("payments", {"enforce": "restricted", "audit": "restricted", "warn": "restricted"},
           {"lumen.health/team": "payments", "docket.io/data-classification": "payment"}),
    ns_obj("data", None, {"lumen.health/team": "data-platform"}),
    ns_obj("monitoring", {"enforce": "privileged"}, {"lumen.health/team": "platform"}),
    ns_obj("ci", None, {"lumen.health/team": "platform"}),
)


def node(name, i):
    az = "eu-central-1" + "abc"[i]
    ip = name.split(".")[0][3:].replace("-", ".")
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": meta("Node", name, None, {
            "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/instance-type": "m6i.xlarge",
            "beta.kubernetes.io/os": "linux", "eks.amazonaws.com/capacityType": "ON_DEMAND",
            "eks.amazonaws.com/nodegroup": "general-2025", "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": "m6i.xlarge",
            "topology.kubernetes.io/region": "eu-central-1", "topology.kubernetes.io/zone": az},
            {"alpha.kubernetes.io/provided-node-ip": ip,
             "node.alpha.kubernetes.io/ttl": "0",
             "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
            created="2026-08-19T07:42:%02dZ" % (10 + i)),
        "spec": {"providerID": f"aws:///{az}/i-0{hashlib.sha256(name.encode()).hexdigest()[:16]}"},
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip},
                          {"type": "InternalDNS", "address": name},
                          {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "4", "memory": "15896204Ki", "pods": "58", "ephemeral-storage": "83873772Ki"},
            "allocatable": {"cpu": "3920m", "memory": "14879372Ki", "pods": "58", "ephemeral-storage": "76224326324"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "kubelet is posting ready status",
                            "lastHeartbeatTime": "2026-11-01T08:59:12Z",
                            "lastTransitionTime": "2026-08-19T07:42:41Z"}],
            "nodeInfo": {
                "architecture": "amd64", "bootID": uid("boot", name),
                "containerRuntimeVersion": "containerd://1.7.11",
                "kernelVersion": "5.10.205-195.807.amzn2.x86_64",
                "kubeProxyVersion": "v1.28.5-eks-5e0fdde", "kubeletVersion": "v1.28.5-eks-5e0fdde",
                "machineID": hashlib.md5(name.encode()).hexdigest(),
                "operatingSystem": "linux", "osImage": "Amazon Linux 2",
                "systemUUID": uid("sys", name)},
        },
    }


add("nodes.yaml", *[node(n, i) for i, n in enumerate(NODES)])

# ================================================================ web

portal_labels = app_labels("patient-portal", "frontend", version="2.14.0",
                           classification="personal", owner_team="frontend@lumen.health")
portal = deployment("patient-portal", "web", portal_labels, pod_spec([
    ctr("portal", f"{REG}/lumen/web:2.14.0",
        ports=[{"containerPort": 3000, "name": "http"}],
        env=[lit("API_URL", "http://patient-api.patients.svc.cluster.local:8080"),
             lit("NEXT_PUBLIC_SITE_URL", "https://app.lumen.health"),
             lit("NODE_ENV", "production")],
        sc={"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 1000,
            "capabilities": {"drop": ["ALL"]}},
        resources=res("100m", "256Mi", None, "512Mi"),
        liveness=probe("/healthz", 3000), readiness=probe("/healthz", 3000)),
], sa="patient-portal", automount=False,
    sc={"seccompProfile": {"type": "RuntimeDefault"}, "fsGroup": 1000}), replicas=2)
add("web.yaml", portal,
    *replicaset_and_pods(portal, "5c8d7b9f46", ["q7xkz", "m2v9d"], lambda i: NODES[i]))

marketing = deployment("marketing-site", "web",
                       app_labels("marketing-site", "frontend", classification="public",
                                  owner_team="growth@lumen.health"),
                       pod_spec([ctr("nginx", "nginx:latest", pull="IfNotPresent",
                                     ports=[{"containerPort": 80, "name": "http"}],
                                     mounts=[{"name": "site", "mountPath": "/usr/share/nginx/html"}])],
                                volumes=[{"name": "site", "configMap": {"name": "marketing-site-html",
                                                                        "defaultMode": 420}}]),
                       replicas=1)
coturn = deployment("video-turn", "web",
                    app_labels("video-turn", "media-relay", version="4.6.2",
                               classification="personal", owner_team="video@lumen.health"),
                    pod_spec([ctr("coturn", "coturn/coturn:4.6.2",
                                  args=["-n", "--log-file=stdout", "--realm=turn.lumen.health",
                                        "--use-auth-secret",
                                        "--static-auth-secret=$(TURN_SECRET)",
                                        "--min-port=49160", "--max-port=49200"],
                                  env=[from_secret("TURN_SECRET", "turn-auth", "secret")],
                                  ports=[{"containerPort": 3478, "hostPort": 3478, "name": "turn"},
                                         {"containerPort": 3478, "hostPort": 3478, "name": "turn-udp",
                                          "protocol": "UDP"}],
                                  sc={"capabilities": {"add": ["NET_BIND_SERVICE"]}},
                                  resources=res("250m", "128Mi", "1", "256Mi"),
                                  liveness=probe(port=3478, kind="tcp"))],
                             host_network=True, sa="video-turn", automount=False),
                    replicas=2)
add("web.yaml", marketing, coturn,
    service("patient-portal", "web", {"app": "patient-portal"}, [port("http", 80, "http")]),
    service("marketing-site", "web", {"app": "marketing-site"},
            [port("http", 80, 80, node_port=30080)], type_="NodePort"),
    service("video-turn", "web", {"app": "video-turn"},
            [port("turn", 3478, 3478)], external_ips=["203.0.113.50"]),
    ingress("patient-portal", "web",
            [("app.lumen.health", [("/", "patient-portal", 80)])],
            tls=[{"hosts": ["app.lumen.health"], "secretName": "lumen-health-tls"}],
            annotations={"cert-manager.io/cluster-issuer": "letsencrypt-prod",
                         "nginx.ingress.kubernetes.io/proxy-body-size": "20m"}),
    ingress("marketing-site", "web",
            [("www.lumen.health", [("/", "marketing-site", 80)]),
             ("lumen.health", [("/", "marketing-site", 80)])]),
    sa("patient-portal", "web", automount=False),
    sa("video-turn", "web", automount=False),
    sa("default", "web"),
    configmap("marketing-site-html", "web", {
        "index.html": "<!doctype html>\n<html><head><title>Lumen Health - see a doctor today</title></head>\n<body><h1>Video consultations in minutes</h1></body></html>\n"}),
    secret("lumen-health-tls", "web", ["tls.crt", "tls.key"], type_="kubernetes.io/tls",
           annotations={"cert-manager.io/issuer-name": "letsencrypt-prod",
                        "cert-manager.io/common-name": "app.lumen.health"}),
    secret("turn-auth", "web", ["secret"]),
)

# ================================================================ patients

api_labels = app_labels("patient-api", "backend", version="3.8.1",
                        classification="special-category", owner_team="backend@lumen.health")
api_container = ctr(
    "api", f"{REG}/lumen/api:3.8.1",
    ports=[{"containerPort": 8080, "name": "http"}],
    env=[lit("DJANGO_SETTINGS_MODULE", "lumen.settings.k8s"),
         lit("DB_HOST", "postgres.data.svc.cluster.local"),
         lit("DB_USER", "lumen"),
         lit("DB_PASSWORD", "canary-db-pass-lumen"),
         from_secret("DJANGO_SECRET_KEY", "patient-api-django", "secret-key"),
         from_cm("FEATURE_FLAGS", "patient-api-config", "feature-flags"),
         field("POD_NAME", "metadata.name")],
    env_from=[{"configMapRef": {"name": "patient-api-config"}}],
    resources=res("250m", "512Mi"),
    liveness=probe("/health/live", 8080), readiness=probe("/health/ready", 8080),
    mounts=[{"name": "sso", "mountPath": "/etc/lumen/sso", "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"}])
patient_api = deployment("patient-api", "patients", api_labels, pod_spec(
    [api_container], sa="patient-api",
    volumes=[{"name": "sso", "configMap": {"name": "patient-portal-sso", "defaultMode": 420}},
             {"name": "tmp", "emptyDir": {}}]), replicas=2)
# `kubectl apply` left the whole manifest, literal env values included, in an annotation.
last_applied = copy.deepcopy(patient_api)
for k in ("status",):
    last_applied.pop(k)
for k in ("uid", "resourceVersion", "creationTimestamp", "generation", "annotations"):
    last_applied["metadata"].pop(k, None)
patient_api["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = \
    json.dumps(last_applied, separators=(",", ":"), sort_keys=True) + "\n"
add("patients.yaml", patient_api,
    *replicaset_and_pods(patient_api, "7d4b9c6f5", ["x2k8p", "bq9tn"], lambda i: NODES[(i + 1) % 3]))

rx = deployment("prescription-service", "patients",
                app_labels("prescription-service", "backend", version="1.12.0",
                           classification="special-category", owner_team="clinical@lumen.health"),
                pod_spec([ctr("prescriptions", f"{REG}/lumen/prescriptions:1.12.0",
                              args=["--listen=:8080", "--pharmacy-gateway=https://erx.partner-pharmacy.eu",
                                    "--s3-bucket=lumen-prescriptions",
                                    "--s3-access-key-id=AKIALUMENCANARY00001"],
                              ports=[{"containerPort": 8080, "name": "http"}],
                              env=[from_secret("DB_PASSWORD", "prescriptions-db", "password"),
                                   from_secret("AWS_SECRET_ACCESS_KEY", "prescriptions-s3", "secret-access-key"),
                                   from_secret("SIGNING_KEY", "prescription-signing", "signing.key")],
                              sc={"runAsNonRoot": True, "runAsUser": 1001, "allowPrivilegeEscalation": False},
                              resources=res("200m", "256Mi", "1", "512Mi"),
                              readiness=probe("/ready", 8080))],
                         sa="prescription-service"), replicas=2)
scheduler = deployment("consultation-scheduler", "patients",
                       app_labels("consultation-scheduler", "backend", version="0.9.4",
                                  classification="personal", owner_team="backend@lumen.health"),
                       pod_spec([ctr("scheduler", f"{REG}/lumen/scheduler:0.9.4",
                                     ports=[{"containerPort": 8000, "name": "http"}],
                                     env=[lit("DATABASE_URL", "postgres://lumen:Canary-Pa55w0rd-Lumen@postgres.data.svc.cluster.local:5432/patients"),
                                          lit("TIMEZONE", "Europe/Berlin")])]),
                       replicas=1)
reminder_labels = app_labels("reminder-dispatch", "batch", classification="personal",
                             owner_team="backend@lumen.health")
reminder_spec = pod_spec([ctr("dispatch", f"{REG}/lumen/worker:3.8.1",
                              command=["python", "-m", "lumen.jobs.dispatch_reminders"],
                              env=[lit("SLACK_BOT_TOKEN", "xoxb-2742197735-4851190437-canaryLumenDemoSlackBot"),
                                   lit("SLACK_CHANNEL", "#patient-reminders"),
                                   from_secret("DB_PASSWORD", "patient-api-db", "password")],
                              resources=res("50m", "128Mi", "500m", "256Mi"))],
                         restart="OnFailure", sa="patient-api")
reminders = cronjob("reminder-dispatch", "patients", reminder_labels, "*/15 * * * *", reminder_spec)
rem_job = job("reminder-dispatch-29866980", "patients", dict(reminder_labels),
              copy.deepcopy(reminder_spec), owners=[owner("CronJob", "reminder-dispatch", "patients", "batch/v1")],
              created="2026-11-01T08:45:00Z")
migrate = job("db-migrate-3-8-1", "patients",
              app_labels("db-migrate", "migration", version="3.8.1",
                         classification="special-category", owner_team="backend@lumen.health"),
              pod_spec([ctr("migrate", f"{REG}/lumen/api:3.8.1",
                            command=["python", "manage.py", "migrate", "--noinput"],
                            env=[lit("DATABASE_URL", "postgres://lumen:Canary-Pa55w0rd-Lumen@postgres.data.svc.cluster.local:5432/patients")],
                            resources=res("100m", "256Mi", "1", "512Mi"))],
                       restart="Never", sa="patient-api"),
              created="2026-10-28T15:01:40Z")

add("patients.yaml", rx, scheduler, reminders, rem_job, migrate,
    service("patient-api", "patients", {"app": "patient-api"}, [port("http", 8080, "http")]),
    service("prescription-service", "patients", {"app": "prescription-service"}, [port("http", 8080, "http")]),
    service("consultation-scheduler", "patients", {"app": "consultation-scheduler"}, [port("http", 80, 8000)]),
    ingress("patient-api", "patients",
            [("api.lumen.health", [("/v1", "patient-api", 8080)])],
            tls=[{"hosts": ["api.lumen.health"], "secretName": "api-lumen-health-tls"}],
            annotations={"cert-manager.io/cluster-issuer": "letsencrypt-prod",
                         "nginx.ingress.kubernetes.io/limit-rps": "20"}),
    netpol("allow-web-to-patient-api", "patients", {"matchLabels": {"app": "patient-api"}},
           types=["Ingress"],
           ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "web"}},
                               "podSelector": {"matchLabels": {"app": "patient-portal"}}},
                              {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}],
                     "ports": [{"protocol": "TCP", "port": 8080}]}]),
    sa("patient-api", "patients"),
    sa("prescription-service", "patients"),
    sa("default", "patients"),
    configmap("patient-api-config", "patients", {
        "feature-flags": "video_v2=true,prescriptions_eu=true,waitlist=false",
        "LOG_LEVEL": "info",
        "settings.ini": (
            "[database]\n"
            "url = postgres://lumen:Canary-Pa55w0rd-Lumen@postgres.data.svc.cluster.local:5432/patients\n"
            "pool_size = 10\n\n"
            "[notifications]\n"
            "slack_token = xoxb-2742197735-4851190437-canaryLumenDemoSlackBot\n"
            "channel = #patient-reminders\n"),
    }, labels={"app": "patient-api"}),
    configmap("patient-portal-sso", "patients", {
        "idp-metadata-url": "https://login.lumen.health/realms/patients/protocol/saml/descriptor",
        "sp-entity-id": "https://api.lumen.health/saml",
        "sp-private-key.pem": (
            "-----BEGIN RSA PRIVATE KEY-----\n"
            "MIIEcanaryLUMENdemoKEYdoNotUse\n"
            "bHVtZW4taGVhbHRoLWRlbW8tY2FuYXJ5LW5vdC1hLXJlYWwta2V5LWxpbmUtdHdv\n"
            "-----END RSA PRIVATE KEY-----\n"),
    }, labels={"app": "patient-api"}),
    configmap("kube-root-ca.crt", "patients", {"ca.crt": ROOT_CA},
              annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}),
    secret("patient-api-db", "patients", ["username", "password"]),
    secret("patient-api-django", "patients", ["secret-key"]),
    secret("prescriptions-db", "patients", ["password"]),
    secret("prescriptions-s3", "patients", ["access-key-id", "secret-access-key"]),
    secret("api-lumen-health-tls", "patients", ["tls.crt", "tls.key"], type_="kubernetes.io/tls"),
    # prescription-signing is referenced by prescription-service but was never created here.
)

# ================================================================ payments (the hardened one)

gw_labels = app_labels("payment-gateway", "backend", version="2.3.0",
                       classification="payment", owner_team="payments@lumen.health")
gw_image = f"{REG}/lumen/payment-gateway:2.3.0@sha256:" + hashlib.sha256(b"payment-gateway-2.3.0").hexdigest()
gateway = deployment("payment-gateway", "payments", gw_labels, pod_spec([
    ctr("gateway", gw_image,
        ports=[{"containerPort": 8443, "name": "https"}],
        env=[lit("PSP_ENDPOINT", "https://api.psp.example.com/v2"),
             lit("PSP_KEY_FILE", "/var/run/secrets/psp/api-key"),
             lit("LISTEN_ADDR", ":8443")],
        sc=HARDENED_SC,
        resources=res("100m", "128Mi", "500m", "256Mi"),
        liveness=probe("/livez", 8443), readiness=probe("/readyz", 8443),
        mounts=[{"name": "psp", "mountPath": "/var/run/secrets/psp", "readOnly": True},
                {"name": "tmp", "mountPath": "/tmp"}]),
], sa="payment-gateway", automount=False,
    sc={"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
        "seccompProfile": {"type": "RuntimeDefault"}},
    volumes=[{"name": "psp", "secret": {"secretName": "psp-credentials", "defaultMode": 256}},
             {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "16Mi"}}]),
    replicas=2)
add("payments.yaml", gateway,
    *replicaset_and_pods(gateway, "6b7f9d8c4", ["h4wzr", "t8n2c"], lambda i: NODES[(i + 2) % 3]))
invoice = deployment("invoice-service", "payments",
                     app_labels("invoice-service", "backend", version="1.4.7",
                                classification="payment", owner_team="payments@lumen.health"),
                     pod_spec([ctr("invoices", f"{REG}/lumen/invoices:1.4.7",
                                   ports=[{"containerPort": 8080, "name": "http"}],
                                   env=[from_secret("PSP_API_KEY", "psp-credentials", "api-key"),
                                        from_secret("SMTP_PASSWORD", "invoice-smtp", "password")],
                                   sc=HARDENED_SC,
                                   resources=res("50m", "64Mi"))],
                              sa="invoice-service", automount=False,
                              sc={"seccompProfile": {"type": "RuntimeDefault"}}), replicas=1)
add("payments.yaml", invoice,
    service("payment-gateway", "payments", {"app": "payment-gateway"}, [port("https", 443, "https")]),
    service("invoice-service", "payments", {"app": "invoice-service"}, [port("http", 80, "http")]),
    ingress("payment-gateway", "payments",
            [("pay.lumen.health", [("/webhooks/psp", "payment-gateway", 443)])],
            tls=[{"hosts": ["pay.lumen.health"], "secretName": "pay-lumen-health-tls"}],
            annotations={"cert-manager.io/cluster-issuer": "letsencrypt-prod",
                         "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS",
                         "nginx.ingress.kubernetes.io/whitelist-source-range": "198.51.100.0/24"}),
    netpol("default-deny-all", "payments", {}, types=["Ingress", "Egress"]),
    netpol("allow-ingress-nginx-to-gateway", "payments", {"matchLabels": {"app": "payment-gateway"}},
           types=["Ingress"],
           ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
                               "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}}}],
                     "ports": [{"protocol": "TCP", "port": 8443}]}]),
    netpol("allow-dns-egress", "payments", {}, types=["Egress"],
           egress=[{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]),
    netpol("allow-gateway-to-psp", "payments", {"matchLabels": {"app": "payment-gateway"}},
           types=["Egress"],
           egress=[{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "169.254.169.254/32"]}}],
                    "ports": [{"protocol": "TCP", "port": 443}]}]),
    netpol("allow-invoice-from-gateway", "payments", {"matchLabels": {"app": "invoice-service"}},
           types=["Ingress"],
           ingress=[{"from": [{"podSelector": {"matchLabels": {"app": "payment-gateway"}}}],
                     "ports": [{"protocol": "TCP", "port": 8080}]}]),
    sa("payment-gateway", "payments", automount=False),
    sa("invoice-service", "payments", automount=False),
    sa("default", "payments", automount=False),
    configmap("payment-gateway-config", "payments", {
        "gateway.yaml": "psp:\n  endpoint: https://api.psp.example.com/v2\n  timeout: 5s\n  retries: 2\ncurrencies: [EUR, GBP, CHF]\n"}),
    secret("psp-credentials", "payments", ["api-key", "webhook-signing-secret"]),
    secret("pay-lumen-health-tls", "payments", ["tls.crt", "tls.key"], type_="kubernetes.io/tls"),
    role("payment-gateway-config-reader", "payments",
         [rule([""], ["configmaps"], ["get"], names=["payment-gateway-config"])]),
    binding("payment-gateway-config-reader", "payments", "Role", "payment-gateway-config-reader",
            [sa_subject("payment-gateway", "payments")]),
)

# ================================================================ data

pg_labels = app_labels("postgres", "database", version="15.4",
                       classification="special-category", owner_team="data-platform@lumen.health",
                       extra={"docket.io/purpose": "patient-records"})
pg = statefulset("postgres", "data", pg_labels, pod_spec([
    ctr("postgres", "postgres:15.4",
        ports=[{"containerPort": 5432, "name": "postgres"}],
        env=[lit("POSTGRES_USER", "lumen"), lit("POSTGRES_DB", "patients"),
             from_secret("POSTGRES_PASSWORD", "postgres-credentials", "password"),
             lit("PGDATA", "/var/lib/postgresql/data/pgdata")],
        sc={"runAsUser": 999, "runAsGroup": 999},
        resources=res("500m", "2Gi", "2", "4Gi"),
        liveness=probe(["pg_isready", "-U", "lumen"], kind="exec"),
        readiness=probe(["pg_isready", "-U", "lumen"], kind="exec"),
        mounts=[{"name": "data", "mountPath": "/var/lib/postgresql/data"}])],
    sc={"fsGroup": 999}), replicas=1, claims=[("data", "200Gi")])
redis = statefulset("redis", "data",
                    app_labels("redis", "database", version="7.2.4", classification="personal",
                               owner_team="backend@lumen.health", extra={"docket.io/purpose": "sessions"}),
                    pod_spec([ctr("redis", "redis:7.2.4",
                                  args=["redis-server", "--appendonly", "yes"],
                                  ports=[{"containerPort": 6379, "name": "redis"}],
                                  liveness=probe(port=6379, kind="tcp"),
                                  mounts=[{"name": "data", "mountPath": "/data"}])]),
                    replicas=1, claims=[("data", "10Gi")])
kafka = statefulset("kafka", "data",
                    app_labels("kafka", "database", version="3.6.1", classification="personal",
                               owner_team="data-platform@lumen.health", extra={"docket.io/purpose": "booking-events"}),
                    pod_spec([ctr("kafka", "bitnami/kafka:3.6.1",
                                  ports=[{"containerPort": 9092, "name": "client"},
                                         {"containerPort": 9093, "name": "controller"}],
                                  env=[lit("KAFKA_CFG_NODE_ID", "0"),
                                       lit("KAFKA_CFG_PROCESS_ROLES", "controller,broker"),
                                       lit("KAFKA_CFG_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
                                       lit("KAFKA_CFG_CONTROLLER_QUORUM_VOTERS", "0@kafka-0.kafka.data.svc.cluster.local:9093"),
                                       lit("ALLOW_PLAINTEXT_LISTENER", "yes")],
                                  sc={"runAsNonRoot": True, "runAsUser": 1001},
                                  resources=res("500m", "1Gi", None, "2Gi"),
                                  liveness=probe(port=9092, kind="tcp"),
                                  readiness=probe(port=9092, kind="tcp"),
                                  mounts=[{"name": "data", "mountPath": "/bitnami/kafka"}])],
                             sc={"fsGroup": 1001}),
                    replicas=3, claims=[("data", "50Gi")])
docstore = deployment("document-store", "data",
                      app_labels("document-store", "database", version="2024-01-16",
                                 classification="special-category", owner_team="data-platform@lumen.health",
                                 extra={"docket.io/purpose": "referrals-lab-results-id-scans"}),
                      pod_spec([ctr("minio", "quay.io/minio/minio:RELEASE.2024-01-16T16-07-38Z",
                                    args=["server", "/data", "--console-address", ":9001"],
                                    env=[from_secret("MINIO_ROOT_USER", "minio-root", "user"),
                                         from_secret("MINIO_ROOT_PASSWORD", "minio-root", "password")],
                                    ports=[{"containerPort": 9000, "name": "s3"},
                                           {"containerPort": 9001, "name": "console"}],
                                    resources=res("250m", "512Mi", None, "1Gi"),
                                    liveness=probe("/minio/health/live", 9000),
                                    readiness=probe("/minio/health/ready", 9000),
                                    mounts=[{"name": "data", "mountPath": "/data"}])],
                               sa="document-store", volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "document-store-data"}}]),
                      replicas=1)
backup = cronjob("postgres-backup", "data",
                 app_labels("postgres-backup", "backup", classification="special-category",
                            owner_team="data-platform@lumen.health"),
                 "0 2 * * *",
                 pod_spec([ctr("pg-dump", f"{REG}/ops/pg-backup:1.4.0",
                               command=["/bin/sh", "-c"],
                               args=["pg_dumpall --dbname=postgres://lumen:Canary-Pa55w0rd-Lumen@postgres.data.svc.cluster.local:5432/patients | gzip > /backups/patients-$(date +%F).sql.gz"],
                               env=[lit("RETENTION_DAYS", "35")],
                               mounts=[{"name": "backups", "mountPath": "/backups"}])],
                          restart="OnFailure", sa="postgres-backup",
                          volumes=[{"name": "backups", "hostPath": {"path": "/mnt/backups", "type": "DirectoryOrCreate"}}],
                          node_selector={"kubernetes.io/hostname": NODES[0]}),
                 annotations={"lumen.health/runbook": "https://wiki.lumen.health/ops/backups"})
add("data.yaml", pg, redis, kafka, docstore, backup,
    service("postgres", "data", {"app": "postgres"}, [port("postgres", 5432)], headless=True),
    service("redis", "data", {"app": "redis"}, [port("redis", 6379)]),
    service("kafka", "data", {"app": "kafka"}, [port("client", 9092), port("controller", 9093)], headless=True),
    service("document-store", "data", {"app": "document-store"}, [port("s3", 9000), port("console", 9001)]),
    # Written for `app: postgresql` (the Helm chart's label); the StatefulSet says `app: postgres`.
    netpol("allow-api-to-postgres", "data", {"matchLabels": {"app": "postgresql"}},
           types=["Ingress"],
           ingress=[{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "patients"}}}],
                     "ports": [{"protocol": "TCP", "port": 5432}]}]),
    sa("document-store", "data"),
    sa("postgres-backup", "data"),
    sa("default", "data"),
    secret("postgres-credentials", "data", ["username", "password"]),
    secret("minio-root", "data", ["user", "password"]),
    role("dba-full-access", "data", [rule(["*"], ["*"], ["*"])],
         annotations={"lumen.health/ticket": "OPS-412 temporary access for the 2025 migration"}),
    binding("dba-full-access", "data", "Role", "dba-full-access", [group("lumen:data-team")]),
)

# ================================================================ monitoring (no NetworkPolicy at all)

ne = daemonset("node-exporter", "monitoring",
               app_labels("node-exporter", "metrics", part_of="kube-prometheus", version="1.7.0",
                          classification="internal", owner_team="platform@lumen.health"),
               pod_spec([ctr("node-exporter", "quay.io/prometheus/node-exporter:v1.7.0",
                             args=["--path.procfs=/host/proc", "--path.sysfs=/host/sys",
                                   "--path.rootfs=/host/root", "--web.listen-address=0.0.0.0:9100"],
                             ports=[{"containerPort": 9100, "hostPort": 9100, "name": "metrics"}],
                             resources=res("100m", "64Mi", None, "128Mi"),
                             sc={"readOnlyRootFilesystem": True, "runAsNonRoot": True, "runAsUser": 65534},
                             mounts=[{"name": "proc", "mountPath": "/host/proc", "readOnly": True},
                                     {"name": "sys", "mountPath": "/host/sys", "readOnly": True},
                                     {"name": "root", "mountPath": "/host/root", "readOnly": True,
                                      "mountPropagation": "HostToContainer"}])],
                        host_network=True, host_pid=True, sa="node-exporter", automount=False,
                        volumes=[{"name": "proc", "hostPath": {"path": "/proc", "type": ""}},
                                 {"name": "sys", "hostPath": {"path": "/sys", "type": ""}},
                                 {"name": "root", "hostPath": {"path": "/", "type": ""}}],
                        tolerations=[{"operator": "Exists"}]))
fb = daemonset("fluent-bit", "monitoring",
               app_labels("fluent-bit", "logging", version="2.2.2", classification="personal",
                          owner_team="platform@lumen.health",
                          extra={"docket.io/purpose": "ships container logs (may contain patient data)"}),
               pod_spec([ctr("fluent-bit", "cr.fluentbit.io/fluent/fluent-bit:2.2.2",
                             ports=[{"containerPort": 2020, "name": "http"}],
                             resources=res("50m", "64Mi", None, "256Mi"),
                             sc={"runAsUser": 0, "runAsGroup": 0},
                             liveness=probe("/", 2020), readiness=probe("/api/v1/health", 2020),
                             mounts=[{"name": "config", "mountPath": "/fluent-bit/etc/"},
                                     {"name": "varlog", "mountPath": "/var/log"},
                                     {"name": "containers", "mountPath": "/var/lib/docker/containers", "readOnly": True}])],
                        sa="fluent-bit",
                        volumes=[{"name": "config", "configMap": {"name": "fluent-bit-config", "defaultMode": 420}},
                                 {"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}},
                                 {"name": "containers", "hostPath": {"path": "/var/lib/docker/containers", "type": ""}}],
                        tolerations=[{"operator": "Exists"}]))
prom = deployment("prometheus", "monitoring",
                  app_labels("prometheus", "metrics", part_of="kube-prometheus", version="2.48.1",
                             classification="internal", owner_team="platform@lumen.health"),
                  pod_spec([ctr("prometheus", "quay.io/prometheus/prometheus:v2.48.1",
                                args=["--config.file=/etc/prometheus/prometheus.yml",
                                      "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=15d",
                                      "--web.enable-lifecycle"],
                                ports=[{"containerPort": 9090, "name": "web"}],
                                sc={"runAsNonRoot": True, "runAsUser": 65534, "readOnlyRootFilesystem": True,
                                    "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
                                resources=res("500m", "2Gi", None, "4Gi"),
                                liveness=probe("/-/healthy", 9090), readiness=probe("/-/ready", 9090),
                                mounts=[{"name": "config", "mountPath": "/etc/prometheus"},
                                        {"name": "data", "mountPath": "/prometheus"}])],
                           sa="prometheus",
                           volumes=[{"name": "config", "configMap": {"name": "prometheus-config"}},
                                    {"name": "data", "persistentVolumeClaim": {"claimName": "prometheus-data"}}]),
                  replicas=1)
grafana = deployment("grafana", "monitoring",
                     app_labels("grafana", "dashboards", version="10.2.3", classification="internal",
                                owner_team="platform@lumen.health"),
                     pod_spec([ctr("grafana", "grafana/grafana:10.2.3",
                                   ports=[{"containerPort": 3000, "name": "http"}],
                                   env=[lit("GF_SERVER_ROOT_URL", "http://grafana.lumen.health"),
                                        lit("GF_AUTH_ANONYMOUS_ENABLED", "true"),
                                        lit("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer"),
                                        from_secret("GF_SECURITY_ADMIN_PASSWORD", "grafana-admin", "password")],
                                   resources=res("100m", "128Mi", None, "512Mi"),
                                   readiness=probe("/api/health", 3000),
                                   mounts=[{"name": "storage", "mountPath": "/var/lib/grafana"}])],
                              sa="grafana", volumes=[{"name": "storage", "emptyDir": {}}]),
                     replicas=1,
                     annotations={"lumen.health/alert-webhook-auth": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjYW5hcnktbHVtZW4tZGVtbyIsInJvbGUiOiJncmFmYW5hLWFsZXJ0cyJ9.Y2FuYXJ5LWx1bWVuLWRlbW8tc2lnbmF0dXJl"})
add("monitoring.yaml", ne, fb, prom, grafana,
    service("prometheus", "monitoring", {"app": "prometheus"}, [port("web", 9090)]),
    service("grafana", "monitoring", {"app": "grafana"}, [port("http", 80, 3000)]),
    service("node-exporter", "monitoring", {"app": "node-exporter"}, [port("metrics", 9100)], headless=True),
    ingress("grafana", "monitoring",
            [("grafana.lumen.health", [("/", "grafana", 80)])],
            annotations={"nginx.ingress.kubernetes.io/ssl-redirect": "false"}),
    sa("prometheus", "monitoring"),
    sa("fluent-bit", "monitoring"),
    sa("grafana", "monitoring"),
    sa("node-exporter", "monitoring", automount=False),
    sa("default", "monitoring"),
    configmap("fluent-bit-config", "monitoring", {
        "fluent-bit.conf": "[SERVICE]\n    Flush        5\n    Log_Level    info\n    Parsers_File parsers.conf\n    HTTP_Server  On\n    HTTP_Port    2020\n\n[INPUT]\n    Name             tail\n    Path             /var/log/containers/*.log\n    multiline.parser docker, cri\n    Tag              kube.*\n    Mem_Buf_Limit    5MB\n\n[FILTER]\n    Name      kubernetes\n    Match     kube.*\n    Merge_Log On\n\n[OUTPUT]\n    Name   cloudwatch_logs\n    Match  *\n    region eu-central-1\n    log_group_name /lumen-prod/containers\n    auto_create_group On\n",
        "parsers.conf": "[PARSER]\n    Name   json\n    Format json\n    Time_Key time\n"}),
    configmap("prometheus-config", "monitoring", {
        "prometheus.yml": "global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: kubernetes-nodes\n    kubernetes_sd_configs:\n      - role: node\n  - job_name: kubernetes-pods\n    kubernetes_sd_configs:\n      - role: pod\n"}),
    secret("grafana-admin", "monitoring", ["user", "password"]),
    role("prometheus", None, [
        rule([""], ["nodes", "nodes/metrics", "nodes/proxy", "services", "endpoints", "pods"], ["get", "list", "watch"]),
        rule([""], ["secrets", "configmaps"], ["get", "list", "watch"]),
        rule(["networking.k8s.io"], ["ingresses"], ["get", "list", "watch"]),
    ], annotations={"lumen.health/note": "secrets added 2025-05 for the blackbox TLS probe"}),
    binding("prometheus", None, "ClusterRole", "prometheus", [sa_subject("prometheus", "monitoring")]),
    role("fluent-bit", None, [rule([""], ["namespaces", "pods"], ["get", "list", "watch"])]),
    binding("fluent-bit", None, "ClusterRole", "fluent-bit", [sa_subject("fluent-bit", "monitoring")]),
    role("grafana-dashboards", "monitoring", [rule([""], ["configmaps"], ["get", "list", "watch"])]),
    binding("grafana-dashboards", "monitoring", "Role", "grafana-dashboards", [sa_subject("grafana", "monitoring")]),
)

# ================================================================ ci

runner = deployment("actions-runner", "ci",
                    app_labels("actions-runner", "ci", version="2.311.0", classification="internal",
                               owner_team="platform@lumen.health"),
                    pod_spec([
                        ctr("runner", "ghcr.io/actions/actions-runner:2.311.0",
                            command=["/home/runner/run.sh"],
                            args=["--url", "https://github.com/lumen-health",
                                  "--token", "ghp_canaryLumenDemoToken0000111122223333",
                                  "--labels", "lumen-prod,self-hosted"],
                            env=[lit("DOCKER_HOST", "tcp://localhost:2375"),
                                 lit("RUNNER_GROUP", "production")],
                            resources=res("500m", "1Gi", "2", "4Gi"),
                            mounts=[{"name": "work", "mountPath": "/home/runner/_work"}]),
                        ctr("dind", "docker:24.0.7-dind",
                            env=[lit("DOCKER_TLS_CERTDIR", "")],
                            sc={"privileged": True},
                            mounts=[{"name": "work", "mountPath": "/home/runner/_work"},
                                    {"name": "docker-sock", "mountPath": "/var/run/docker.sock"}]),
                    ], sa="ci-runner",
                        volumes=[{"name": "work", "emptyDir": {}},
                                 {"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}]),
                    replicas=2)
add("ci.yaml", runner,
    sa("ci-runner", "ci", annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::402188213451:role/lumen-ci-runner"}),
    sa("default", "ci"),
    configmap("runner-npmrc", "ci", {
        ".npmrc": "@lumen-health:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=ghp_canaryLumenDemoToken0000111122223333\nalways-auth=true\n"}),
    secret("github-app", "ci", ["app-id", "private-key.pem"]),
)

# ================================================================ ingress-nginx

ic_labels = {"app": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx",
             "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/component": "controller",
             "app.kubernetes.io/version": "1.9.4", "docket.io/data-classification": "personal",
             "docket.io/owner": "platform@lumen.health"}
controller = deployment("ingress-nginx-controller", "ingress-nginx", ic_labels, pod_spec([
    ctr("controller", "registry.k8s.io/ingress-nginx/controller:v1.9.4@sha256:5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3",
        args=["/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
              "--election-id=ingress-nginx-leader", "--controller-class=k8s.io/ingress-nginx",
              "--ingress-class=nginx", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
              "--validating-webhook=:8443", "--validating-webhook-certificate=/usr/local/certificates/cert",
              "--validating-webhook-key=/usr/local/certificates/key"],
        env=[field("POD_NAME", "metadata.name"), field("POD_NAMESPACE", "metadata.namespace"),
             lit("LD_PRELOAD", "/usr/local/lib/libmimalloc.so")],
        ports=[{"containerPort": 80, "name": "http"}, {"containerPort": 443, "name": "https"},
               {"containerPort": 8443, "name": "webhook"}],
        sc={"allowPrivilegeEscalation": True, "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
            "runAsUser": 101, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        resources=res("100m", "90Mi"),
        liveness=probe("/healthz", 10254), readiness=probe("/healthz", 10254),
        mounts=[{"name": "webhook-cert", "mountPath": "/usr/local/certificates/", "readOnly": True}]),
], sa="ingress-nginx", volumes=[{"name": "webhook-cert", "secret": {"secretName": "ingress-nginx-admission"}}],
    node_selector={"kubernetes.io/os": "linux"}), replicas=2)
admission = job("ingress-nginx-admission-create", "ingress-nginx",
                {"app": "ingress-nginx-admission", "app.kubernetes.io/name": "ingress-nginx",
                 "app.kubernetes.io/component": "admission-webhook"},
                pod_spec([ctr("create", "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v20231011-8b53cabe0@sha256:a7943503b45d552785aa3b5e457f169a5661fb94d82b8a3373bcd9ebaf9aac80",
                              args=["create", "--host=ingress-nginx-controller-admission,ingress-nginx-controller-admission.$(POD_NAMESPACE).svc",
                                    "--namespace=$(POD_NAMESPACE)", "--secret-name=ingress-nginx-admission"],
                              env=[field("POD_NAMESPACE", "metadata.namespace")],
                              sc={"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                                  "readOnlyRootFilesystem": True, "runAsNonRoot": True, "runAsUser": 65532,
                                  "seccompProfile": {"type": "RuntimeDefault"}})],
                         restart="OnFailure", sa="ingress-nginx-admission"),
                created="2025-03-11T09:31:02Z")
add("ingress.yaml", controller, admission,
    service("ingress-nginx-controller", "ingress-nginx", {"app": "ingress-nginx"},
            [port("http", 80, "http", node_port=31380), port("https", 443, "https", node_port=31443)],
            type_="LoadBalancer", labels={"app.kubernetes.io/name": "ingress-nginx"},
            lb={"hostname": LB_HOST},
            annotations={"service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                         "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}),
    service("ingress-nginx-controller-admission", "ingress-nginx", {"app": "ingress-nginx"},
            [port("https-webhook", 443, "webhook")]),
    sa("ingress-nginx", "ingress-nginx", automount=True),
    sa("ingress-nginx-admission", "ingress-nginx"),
    role("ingress-nginx", None, [
        rule([""], ["configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"], ["list", "watch"]),
        rule(["coordination.k8s.io"], ["leases"], ["list", "watch"]),
        rule([""], ["nodes"], ["get"]),
        rule([""], ["services"], ["get", "list", "watch"]),
        rule(["networking.k8s.io"], ["ingresses", "ingressclasses"], ["get", "list", "watch"]),
        rule([""], ["events"], ["create", "patch"]),
        rule(["networking.k8s.io"], ["ingresses/status"], ["update"]),
    ], labels={"app.kubernetes.io/name": "ingress-nginx"}),
    binding("ingress-nginx", None, "ClusterRole", "ingress-nginx",
            [sa_subject("ingress-nginx", "ingress-nginx")], labels={"app.kubernetes.io/name": "ingress-nginx"}),
    secret("ingress-nginx-admission", "ingress-nginx", ["ca", "cert", "key"]),
)

# ================================================================ kube-system

kp = daemonset("kube-proxy", "kube-system",
               {"app": "kube-proxy", "k8s-app": "kube-proxy", "eks.amazonaws.com/component": "kube-proxy"},
               pod_spec([ctr("kube-proxy", "602401143452.dkr.ecr.eu-central-1.amazonaws.com/eks/kube-proxy:v1.28.2-minimal-eksbuild.2",
                             command=["kube-proxy", "--v=2", "--config=/var/lib/kube-proxy-config/config",
                                      "--hostname-override=$(NODE_NAME)"],
                             env=[{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                             sc={"privileged": True},
                             resources=res("100m"),
                             mounts=[{"name": "varlog", "mountPath": "/var/log"},
                                     {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
                                     {"name": "lib-modules", "mountPath": "/lib/modules", "readOnly": True},
                                     {"name": "config", "mountPath": "/var/lib/kube-proxy-config/"}])],
                        host_network=True, sa="kube-proxy", priority="system-node-critical",
                        volumes=[{"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}},
                                 {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
                                 {"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}},
                                 {"name": "config", "configMap": {"name": "kube-proxy-config"}}],
                        tolerations=[{"operator": "Exists"}]))
aws_node = daemonset("aws-node", "kube-system",
                     {"app": "aws-node", "k8s-app": "aws-node", "app.kubernetes.io/name": "aws-node"},
                     pod_spec([ctr("aws-node", "602401143452.dkr.ecr.eu-central-1.amazonaws.com/amazon-k8s-cni:v1.16.0-eksbuild.1",
                                   ports=[{"containerPort": 61678, "name": "metrics"}],
                                   env=[lit("AWS_VPC_K8S_CNI_LOGLEVEL", "DEBUG"), lit("ENABLE_PREFIX_DELEGATION", "false"),
                                        {"name": "MY_NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                                   sc={"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
                                   resources=res("25m"),
                                   liveness=probe(["/app/grpc-health-probe", "-addr=:50051"], kind="exec"),
                                   readiness=probe(["/app/grpc-health-probe", "-addr=:50051"], kind="exec"),
                                   mounts=[{"name": "cni-bin-dir", "mountPath": "/host/opt/cni/bin"},
                                           {"name": "cni-net-dir", "mountPath": "/host/etc/cni/net.d"},
                                           {"name": "log-dir", "mountPath": "/host/var/log/aws-routed-eni"},
                                           {"name": "run-dir", "mountPath": "/var/run/aws-node"},
                                           {"name": "xtables-lock", "mountPath": "/run/xtables.lock"}])],
                              init=[ctr("aws-vpc-cni-init", "602401143452.dkr.ecr.eu-central-1.amazonaws.com/amazon-k8s-cni-init:v1.16.0-eksbuild.1",
                                        sc={"privileged": True},
                                        mounts=[{"name": "cni-bin-dir", "mountPath": "/host/opt/cni/bin"}])],
                              host_network=True, sa="aws-node", priority="system-node-critical",
                              volumes=[{"name": "cni-bin-dir", "hostPath": {"path": "/opt/cni/bin", "type": ""}},
                                       {"name": "cni-net-dir", "hostPath": {"path": "/etc/cni/net.d", "type": ""}},
                                       {"name": "log-dir", "hostPath": {"path": "/var/log/aws-routed-eni", "type": "DirectoryOrCreate"}},
                                       {"name": "run-dir", "hostPath": {"path": "/var/run/aws-node", "type": "DirectoryOrCreate"}},
                                       {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": ""}}],
                              tolerations=[{"operator": "Exists"}]))
coredns = deployment("coredns", "kube-system",
                     {"app": "coredns", "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns",
                      "kubernetes.io/name": "CoreDNS"},
                     pod_spec([ctr("coredns", "602401143452.dkr.ecr.eu-central-1.amazonaws.com/eks/coredns:v1.10.1-eksbuild.6",
                                   args=["-conf", "/etc/coredns/Corefile"],
                                   ports=[{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                          {"containerPort": 53, "name": "dns-tcp"},
                                          {"containerPort": 9153, "name": "metrics"}],
                                   sc={"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                       "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}},
                                   resources=res("100m", "70Mi", None, "170Mi"),
                                   liveness=probe("/health", 8080), readiness=probe("/ready", 8181),
                                   mounts=[{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}])],
                              sa="coredns", priority="system-cluster-critical",
                              volumes=[{"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}],
                              tolerations=[{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                           {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
                     replicas=2)
add("kube-system.yaml", aws_node, kp, coredns,
    service("kube-dns", "kube-system", {"k8s-app": "kube-dns"},
            [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
             {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
             {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
            cluster_ip="172.20.0.10", labels={"k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS"}),
    sa("aws-node", "kube-system", annotations={"eks.amazonaws.com/role-arn": "arn:aws:iam::402188213451:role/AmazonEKSVPCCNIRole"}),
    sa("kube-proxy", "kube-system"),
    sa("coredns", "kube-system"),
    configmap("coredns", "kube-system", {
        "Corefile": ".:53 {\n    errors\n    health {\n        lameduck 5s\n      }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n"},
        labels={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"}),
    configmap("kube-proxy-config", "kube-system", {
        "config": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: \"\"\nmode: \"iptables\"\nmetricsBindAddress: 0.0.0.0:10249\n"},
        labels={"eks.amazonaws.com/component": "kube-proxy", "k8s-app": "kube-proxy"}),
)

# ================================================================ default: the naked debug pod

debug_ip = "10.40.12.201"
debug = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": meta("Pod", "debug-shell", "default", {"run": "debug-shell"},
                     {"container.apparmor.security.beta.kubernetes.io/debug-shell": "unconfined",
                      "lumen.health/created-by": "tomas.novak@lumen.health",
                      "lumen.health/reason": "INC-2291 DNS timeouts from patients namespace"},
                     created="2026-10-30T21:47:12Z"),
    "spec": pod_spec([ctr("debug-shell", "nicolaka/netshoot:latest",
                          command=["sleep", "infinity"],
                          sc={"capabilities": {"add": ["NET_ADMIN", "NET_RAW", "SYS_PTRACE"]}},
                          mounts=[{"name": "kube-api-access-7x2lq", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}])],
                     volumes=[{"name": "kube-api-access-7x2lq", "projected": {"defaultMode": 420, "sources": [
                         {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                         {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                         {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}],
                     node=NODES[1]),
    "status": {"phase": "Running", "hostIP": "10.40.12.87", "podIP": debug_ip, "podIPs": [{"ip": debug_ip}],
               "qosClass": "BestEffort", "startTime": "2026-10-30T21:47:12Z"},
}
debug["spec"]["serviceAccountName"] = "default"
debug["spec"]["serviceAccount"] = "default"
add("default.yaml", debug,
    service("kubernetes", "default", None, [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 443}],
            cluster_ip="172.20.0.1", labels={"component": "apiserver", "provider": "kubernetes"}),
    sa("default", "default"),
    configmap("kube-root-ca.crt", "default", {"ca.crt": ROOT_CA}),
)

# ================================================================ cluster RBAC

add("rbac.yaml",
    role("cluster-admin", None, [rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}],
         labels={"kubernetes.io/bootstrapping": "rbac-defaults"},
         annotations={"rbac.authorization.kubernetes.io/autoupdate": "true"}),
    binding("cluster-admin", None, "ClusterRole", "cluster-admin", [group("system:masters")],
            labels={"kubernetes.io/bootstrapping": "rbac-defaults"},
            annotations={"rbac.authorization.kubernetes.io/autoupdate": "true"}),
    binding("maria-cluster-admin", None, "ClusterRole", "cluster-admin",
            [user("maria.keller@lumen.health")],
            annotations={"lumen.health/reason": "break-glass, CTO"}),
    binding("ci-runner-cluster-admin", None, "ClusterRole", "cluster-admin",
            [sa_subject("ci-runner", "ci")],
            annotations={"lumen.health/reason": "helm deploys from GitHub Actions (to be scoped down)"}),
    role("lumen-readonly", None, [rule([""], ["pods", "services", "configmaps", "events"], ["get", "list", "watch"]),
                                   rule(["apps"], ["deployments", "statefulsets"], ["get", "list", "watch"])]),
    binding("all-staff-readonly", None, "ClusterRole", "lumen-readonly", [group("system:authenticated")],
            annotations={"lumen.health/reason": "everyone with an SSO login can look around"}),
    role("support-debug", None, [rule([""], ["pods", "pods/log"], ["get", "list"]),
                                 rule([""], ["pods/exec", "pods/attach"], ["create"])]),
    binding("support-debug", "patients", "ClusterRole", "support-debug", [group("lumen:support")]),
    role("ci-deployer", None, [rule(["apps"], ["deployments", "statefulsets"], ["get", "list", "create", "update", "patch"]),
                               rule([""], ["pods", "services", "configmaps"], ["get", "list", "create", "update", "patch", "delete"]),
                               rule(["batch"], ["jobs", "cronjobs"], ["create", "delete", "get"])]),
    binding("ci-deployer", "web", "ClusterRole", "ci-deployer", [sa_subject("ci-runner", "ci")]),
    binding("ci-deployer", "patients", "ClusterRole", "ci-deployer", [sa_subject("ci-runner", "ci")]),
    role("rbac-manager", None, [rule(["rbac.authorization.k8s.io"], ["roles", "rolebindings", "clusterroles", "clusterrolebindings"],
                                     ["get", "list", "create", "update", "bind", "escalate"]),
                                rule([""], ["users", "groups", "serviceaccounts"], ["impersonate"])]),
    binding("platform-rbac-manager", None, "ClusterRole", "rbac-manager", [group("lumen:platform")]),
    role("patient-api-leader-election", "patients",
         [rule(["coordination.k8s.io"], ["leases"], ["get", "create", "update"], names=None)]),
    binding("patient-api-leader-election", "patients", "Role", "patient-api-leader-election",
            [sa_subject("patient-api", "patients")]),
    role("document-store-reader", "data", [rule([""], ["secrets"], ["get"], names=["minio-root"])]),
    binding("document-store-reader", "data", "Role", "document-store-reader",
            [sa_subject("document-store", "data")]),
)


# ---------------------------------------------------------------- dump

class Dumper(yaml.SafeDumper):
    pass


def str_presenter(dumper, data):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


Dumper.add_representer(str, str_presenter)


def clean(o):
    """Drop None values (kubectl omits unset fields)."""
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items() if v is not None}
    if isinstance(o, list):
        return [clean(v) for v in o]
    return o


HEADERS = {
    "namespaces.yaml": "kubectl get namespaces -o yaml (split into documents)",
    "nodes.yaml": "kubectl get nodes -o yaml (split into documents)",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, objs in FILES.items():
        head = HEADERS.get(name, "kubectl get <kinds> -o yaml, split into documents"
                           if name != "rbac.yaml" else "kubectl get clusterroles,clusterrolebindings,roles,rolebindings -o yaml (Lumen-made objects)")
        text = f"# lumen-prod: {head}\n# Docket demo inventory (generated by assets/demo/generate_kube.py)\n"
        text += yaml.dump_all([clean(o) for o in objs], Dumper=Dumper, sort_keys=True,
                              default_flow_style=False, explicit_start=True, width=100)
        with open(os.path.join(OUT, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
