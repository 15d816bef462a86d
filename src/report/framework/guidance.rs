//! What evidence an auditor needs for a control no automated check serves, and where it
//! usually lives. CIS Docker items that need host access reuse the evidence text of
//! [`crate::checks::manual::MANUAL`]; every other manual control has a line here. A unit
//! test asserts that every manual control of every framework has guidance.

use crate::checks::manual::MANUAL;
use crate::checks::{Control, Framework};

/// Guidance for a control, if it has any (every control without a serving check does).
pub fn for_control(control: &Control) -> Option<&'static str> {
    if control.framework == Framework::CisDocker {
        if let Some(m) = MANUAL
            .iter()
            .find(|m| m.reference.strip_prefix("CIS-D ") == Some(control.id))
        {
            return Some(m.evidence);
        }
    }
    if control.framework == Framework::Nist800190 {
        if let Some(m) = MANUAL
            .iter()
            .find(|m| m.reference.strip_prefix("NIST 800-190 ") == Some(control.id))
        {
            return Some(m.evidence);
        }
    }
    GUIDANCE
        .iter()
        .find(|(fw, id, _)| *fw == control.framework && *id == control.id)
        .map(|(_, _, text)| *text)
}

use Framework::*;

const GUIDANCE: &[(Framework, &str, &str)] = &[
    (Gdpr, "Art. 30", "The record of processing activities (purposes, data categories, recipients, retention, security measures) kept by the controller; in the privacy team's register or GRC tool (`docket dpia` gives a starting point)."),
    (Gdpr, "Art. 32(1)(d)", "A schedule of security testing (scans, penetration tests) with the last results and their follow-up; in the ISMS / GRC tool and the pentest reports."),
    (Gdpr, "Art. 33", "The breach response procedure and the breach log with notification times (72 hours); kept by the DPO or in the incident management tool."),
    (Gdpr, "Art. 35", "The DPIA document for each high-risk processing, signed off by the controller with the DPO's advice; in the privacy team's register (`docket dpia` gives a starting point)."),
    (PciDss4, "3.5.1", "Proof that stored PANs are encrypted, truncated, tokenised or hashed: the data store's encryption configuration and a sample query; from the database owner and the key management records."),
    (PciDss4, "10.2", "Audit log configuration for the cardholder data environment (Kubernetes audit policy, container runtime and host logs) and a sample of forwarded events; in the SIEM and the cluster's audit policy file."),
    (PciDss4, "11.3", "Quarterly internal and external vulnerability scan reports (ASV for external) with rescans showing fixes; from the scanning vendor or the vulnerability management tool."),
    (PciDss4, "12.1", "The information security policy, its last annual review and proof it was distributed to personnel, signed by management; in the ISMS / GRC tool or the policy library."),
    (Hipaa, "164.308(a)(1)(ii)(A)", "The documented risk analysis covering ePHI in these systems, with its date and owner; kept by the HIPAA security officer (Docket findings are one input)."),
    (Hipaa, "164.308(a)(7)(ii)(A)", "The backup plan for ePHI (what, how often, where) and the last restore test record; from the backup tool's reports and the operations runbook."),
    (Hipaa, "164.312(b)", "Audit controls recording activity in systems holding ePHI: the audit log configuration and a sample review record; in the SIEM and the log review procedure."),
    (Hipaa, "164.312(c)(1)", "Integrity controls for ePHI (checksums, signed images, read-only storage, database constraints) and their configuration; from the application and data store owners."),
    (Soc2, "CC6.8", "Controls against unauthorised or malicious software: image signing / admission policy and malware scanning configuration with recent results; from the CI pipeline and the registry."),
    (Soc2, "CC7.1", "Configuration and vulnerability monitoring: scheduled scan results (Docket, image scanners) and the tickets they opened; from the CI/CD system and the ticket tracker."),
    (Soc2, "CC7.2", "Monitoring of system components for anomalies: alert rules, the log pipeline and a sample of reviewed alerts; in the SIEM / monitoring stack."),
    (Soc2, "CC7.4", "The incident response plan, its last test or tabletop exercise and the incident log; in the ISMS / GRC tool and the incident management tool."),
    (Soc2, "CC8.1", "Change management records: approved pull requests, deployment pipeline logs and change tickets for these systems; from the VCS and CI/CD system."),
    (Nist800190, "4.1.3", "Malware scan results for every image in use (e.g. ClamAV or the registry's scanner) and the rule that blocks infected images; from the registry and the CI pipeline."),
    (Nist800190, "4.2.2", "The registry's retention / pruning policy and the list of image ages in use; from the registry."),
    (Nist800190, "4.3.4", "How workloads of different sensitivity are separated (namespaces, node pools, clusters) and the policy that enforces it; from the platform team's architecture records."),
    (Nist800190, "4.4.1", "Container runtime and orchestrator versions against vendor advisories, with the patch record; from the host inventory and the upgrade runbook."),
    (Nist800190, "4.4.5", "Admission control that only lets approved images and deployments run (policy engine configuration) and the review of unexpected containers; from the cluster's policies and the runtime monitoring tool."),
    (Nist800190, "4.5.4", "Who can log into the container hosts (directory groups, sudoers, SSH keys) and the last access review; from the identity provider and the host configuration management."),
    (CisDocker, "1.1.2", "Members of the `docker` group on each host (`getent group docker`) and the approval for each; from the host and the access request records."),
    (CisDocker, "4.4", "Image vulnerability scan results (Trivy, Grype) for every image in use and the rebuild record after patches; from the CI pipeline or the registry."),
    (CisDocker, "4.11", "The build's package sources and signature verification (apt / apk keys, checksum pinning) in each Dockerfile; from the image repositories."),
    (CisDocker, "4.12", "Signature verification of images and artifacts at deploy time (cosign / Notation policy) and its logs; from the CI/CD system and the admission controller."),
    (CisDocker, "5.9", "The list of ports each container needs (design or runbook) compared with `docker port` on each host; from the service owners."),
    (CisDocker, "5.19", "`docker inspect --format '{{.HostConfig.Ulimits}}'` for each container where the default ulimit is overridden, with the reason; from the host."),
    (CisDocker, "5.23", "The host's audit log or shell history showing no `docker exec --privileged`; from auditd / the bastion's session recordings."),
    (CisDocker, "5.24", "The host's audit log or shell history showing no `docker exec --user=root`; from auditd / the bastion's session recordings."),
    (CisDocker, "5.25", "`docker inspect --format '{{.HostConfig.CgroupParent}}'` for each container is empty or justified; from the host."),
    (CisDocker, "5.28", "The deploy procedure pulls images before each run (`docker pull` or `--pull always`); from the deployment scripts or runbook."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::serving_checks;

    #[test]
    fn every_manual_control_of_every_framework_has_guidance() {
        let mut missing = Vec::new();
        for fw in Framework::ALL {
            for c in fw.controls() {
                if serving_checks(c).next().is_none() && for_control(c).is_none() {
                    missing.push(format!("{} {}", fw.name(), c.id));
                }
            }
        }
        assert_eq!(
            missing,
            Vec::<String>::new(),
            "manual controls without guidance"
        );
    }

    #[test]
    fn guidance_names_real_controls_and_is_concrete() {
        for (fw, id, text) in GUIDANCE {
            assert!(
                fw.controls().any(|c| c.id == *id),
                "{} {id}: no such control",
                fw.name()
            );
            assert!(text.len() >= 60, "{} {id}: guidance too thin", fw.name());
            assert!(
                text.contains("; "),
                "{} {id}: say where the evidence lives",
                fw.name()
            );
        }
    }

    #[test]
    fn cis_manual_items_reuse_the_manual_list() {
        let c = Framework::CisDocker
            .controls()
            .find(|c| c.id == "2.16")
            .unwrap();
        assert_eq!(
            for_control(c),
            Some("daemon.json `\"userland-proxy\": false`.")
        );
    }
}
