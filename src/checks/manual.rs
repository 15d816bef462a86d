//! Benchmark items that need host access (files, daemon.json, audit rules) and so cannot
//! be read through the Engine or Kubernetes API. Reports list them as "manual" with the
//! evidence an auditor needs, never as passed.

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ManualItem {
    pub reference: &'static str,
    pub title: &'static str,
    /// What evidence to collect and where it usually lives.
    pub evidence: &'static str,
}

const fn m(reference: &'static str, title: &'static str, evidence: &'static str) -> ManualItem {
    ManualItem {
        reference,
        title,
        evidence,
    }
}

pub const MANUAL: &[ManualItem] = &[
    m("CIS-D 1.1.1", "Separate partition for containers", "`findmnt /var/lib/docker` on the host shows a dedicated mount."),
    m("CIS-D 1.1.3-1.1.18", "Auditing of the Docker daemon and its files", "`auditctl -l` lists watches on /usr/bin/dockerd, /run/containerd, /var/lib/docker, /etc/docker, docker.service, docker.socket, /etc/default/docker, /etc/docker/daemon.json, containerd and runc."),
    m("CIS-D 1.2.1", "Host hardened and minimal", "The host build standard and its last review; package list of the host."),
    m("CIS-D 2.3", "Logging level set to info", "`ps -ef | grep dockerd` or daemon.json `log-level` is absent or `info`."),
    m("CIS-D 2.4", "Docker allowed to make iptables changes", "daemon.json has no `\"iptables\": false`."),
    m("CIS-D 2.8", "Default ulimit configured", "daemon.json `default-ulimits` set where needed."),
    m("CIS-D 2.10", "Default cgroup usage confirmed", "daemon.json `cgroup-parent` is absent or justified."),
    m("CIS-D 2.11", "Base device size not changed", "daemon.json `storage-opts` has no `dm.basesize` without need."),
    m("CIS-D 2.14", "Containers restricted from acquiring new privileges by default", "daemon.json `\"no-new-privileges\": true`."),
    m("CIS-D 2.16", "Userland proxy disabled", "daemon.json `\"userland-proxy\": false`."),
    m("CIS-D 3.1-3.24", "Ownership and permissions of Docker files and directories", "`stat -c '%U:%G %a'` of docker.service, docker.socket, /etc/docker, registry certificates, TLS CA/cert/key, /var/run/docker.sock, daemon.json, /etc/default/docker, containerd socket."),
    m("CIS-D 4.2", "Only trusted base images", "The organisation's approved base image list and the build pipeline enforcing it."),
    m("CIS-D 4.3", "No unnecessary packages in images", "Package inventory per image (an SBOM) reviewed against need."),
    m("CIS-D 4.5", "Content trust enabled", "`DOCKER_CONTENT_TRUST=1` in the build and deploy environment, or a signature policy (cosign, Notation)."),
    m("CIS-D 4.8", "setuid and setgid permissions removed", "`find / -perm /6000 -type f` run in each image build."),
    m("CIS-D 6.1-6.2", "Image and container sprawl avoided", "A regular prune policy and its execution record."),
    m("CIS-K 1.x-4.x", "Control plane and worker node configuration", "kube-bench output for the API server, controller manager, scheduler, etcd and kubelet."),
    m("NIST 800-190 4.1.1", "Image vulnerabilities", "Results of an image vulnerability scanner (Trivy, Grype) for every running image, and the patch SLA."),
];
