//! Compliance frameworks and the controls checks map to. The list of every control of a
//! framework (including the ones no automated check can show) lives here too, so a
//! framework report can list each control, none silently missing.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    Gdpr,
    PciDss4,
    Hipaa,
    Soc2,
    Nist800190,
    /// CIS Docker Benchmark: controls derived from the catalog's `CIS-D` references.
    CisDocker,
    /// Kubernetes Pod Security Standards (baseline and restricted).
    Pss,
}

impl Framework {
    pub const ALL: [Framework; 7] = [
        Framework::Gdpr,
        Framework::PciDss4,
        Framework::Hipaa,
        Framework::Soc2,
        Framework::Nist800190,
        Framework::CisDocker,
        Framework::Pss,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Framework::Gdpr => "GDPR",
            Framework::PciDss4 => "PCI DSS v4.0",
            Framework::Hipaa => "HIPAA Security Rule",
            Framework::Soc2 => "SOC 2",
            Framework::Nist800190 => "NIST SP 800-190",
            Framework::CisDocker => "CIS Docker Benchmark",
            Framework::Pss => "Kubernetes Pod Security Standards",
        }
    }
    /// A short label for narrow places (the workbench overview).
    pub fn short_name(self) -> &'static str {
        match self {
            Framework::Gdpr => "GDPR",
            Framework::PciDss4 => "PCI DSS 4.0",
            Framework::Hipaa => "HIPAA",
            Framework::Soc2 => "SOC 2",
            Framework::Nist800190 => "NIST 800-190",
            Framework::CisDocker => "CIS Docker",
            Framework::Pss => "PSS",
        }
    }
    /// The short name used on the command line (`--framework pci`).
    pub fn slug(self) -> &'static str {
        match self {
            Framework::Gdpr => "gdpr",
            Framework::PciDss4 => "pci",
            Framework::Hipaa => "hipaa",
            Framework::Soc2 => "soc2",
            Framework::Nist800190 => "nist-800-190",
            Framework::CisDocker => "cis-docker",
            Framework::Pss => "pss",
        }
    }
    pub fn parse(s: &str) -> Option<Framework> {
        let s = s.trim().to_ascii_lowercase();
        Framework::ALL.into_iter().find(|f| {
            f.slug() == s
                || f.name().eq_ignore_ascii_case(&s)
                || matches!(
                    (f, s.as_str()),
                    (Framework::PciDss4, "pci-dss" | "pcidss" | "pci-dss-4")
                        | (Framework::Nist800190, "nist" | "800-190" | "nist800190")
                        | (Framework::Soc2, "soc-2")
                        | (
                            Framework::CisDocker,
                            "cis" | "cis-d" | "cis-docker-benchmark"
                        )
                        | (Framework::Pss, "pod-security" | "pod-security-standards")
                )
        })
    }
    /// Every control of the framework's mapping, in report order.
    pub fn controls(self) -> impl Iterator<Item = &'static Control> {
        let list: &'static [Control] = match self {
            Framework::CisDocker => super::benchmarks::CIS_DOCKER,
            Framework::Pss => super::benchmarks::PSS,
            _ => ALL_CONTROLS,
        };
        list.iter().filter(move |c| c.framework == self)
    }
}

/// Does `check` serve `control`? Mapped frameworks use the check's `controls`; CIS Docker
/// and PSS controls are derived from its references ([`super::benchmarks`]).
pub fn serves_control(check: &super::Check, control: &Control) -> bool {
    match control.framework {
        Framework::CisDocker | Framework::Pss => super::benchmarks::serves_control(check, control),
        _ => check.controls.contains(control),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Control {
    pub framework: Framework,
    pub id: &'static str,
    pub title: &'static str,
}

const fn c(framework: Framework, id: &'static str, title: &'static str) -> Control {
    Control {
        framework,
        id,
        title,
    }
}

use Framework::*;

pub const GDPR_5_1_F: Control = c(
    Gdpr,
    "Art. 5(1)(f)",
    "Integrity and confidentiality of personal data",
);
pub const GDPR_25: Control = c(Gdpr, "Art. 25", "Data protection by design and by default");
pub const GDPR_30: Control = c(Gdpr, "Art. 30", "Records of processing activities");
pub const GDPR_32: Control = c(
    Gdpr,
    "Art. 32(1)(b)",
    "Ongoing confidentiality, integrity, availability and resilience of processing systems",
);
pub const GDPR_32_D: Control = c(
    Gdpr,
    "Art. 32(1)(d)",
    "Regularly testing and evaluating the effectiveness of security measures",
);
pub const GDPR_33: Control = c(
    Gdpr,
    "Art. 33",
    "Notification of a personal data breach to the supervisory authority",
);
pub const GDPR_35: Control = c(Gdpr, "Art. 35", "Data protection impact assessment");

pub const PCI_1_3: Control = c(
    PciDss4,
    "1.3",
    "Network access to and from the cardholder data environment is restricted",
);
pub const PCI_1_4: Control = c(
    PciDss4,
    "1.4",
    "Network connections between trusted and untrusted networks are controlled",
);
pub const PCI_2_2: Control = c(
    PciDss4,
    "2.2",
    "System components are configured and managed securely",
);
pub const PCI_2_2_4: Control = c(
    PciDss4,
    "2.2.4",
    "Only necessary services, protocols, daemons and functions are enabled",
);
pub const PCI_2_2_5: Control = c(
    PciDss4,
    "2.2.5",
    "Insecure services, protocols or daemons are justified and secured",
);
pub const PCI_2_2_6: Control = c(
    PciDss4,
    "2.2.6",
    "System security parameters are configured to prevent misuse",
);
pub const PCI_3_5_1: Control = c(
    PciDss4,
    "3.5.1",
    "Stored primary account numbers are rendered unreadable",
);
pub const PCI_4_2_1: Control = c(
    PciDss4,
    "4.2.1",
    "Strong cryptography protects data in transmission over open, public networks",
);
pub const PCI_6_3: Control = c(
    PciDss4,
    "6.3",
    "Security vulnerabilities are identified and addressed",
);
pub const PCI_7_2: Control = c(
    PciDss4,
    "7.2",
    "Access to system components and data is appropriately defined and assigned (least privilege)",
);
pub const PCI_8_3_2: Control = c(
    PciDss4,
    "8.3.2",
    "Strong cryptography renders authentication factors unreadable in storage and transmission",
);
pub const PCI_8_6_2: Control = c(PciDss4, "8.6.2", "Passwords for system and application accounts are not hard-coded in scripts or configuration files");
pub const PCI_10_2: Control = c(
    PciDss4,
    "10.2",
    "Audit logs are implemented to support detection of anomalies",
);
pub const PCI_11_3: Control = c(
    PciDss4,
    "11.3",
    "External and internal vulnerabilities are regularly identified and addressed",
);
pub const PCI_12_1: Control = c(
    PciDss4,
    "12.1",
    "A comprehensive information security policy is established, published, maintained and disseminated",
);

pub const HIPAA_308_A1: Control = c(Hipaa, "164.308(a)(1)(ii)(A)", "Risk analysis");
pub const HIPAA_308_A7: Control = c(Hipaa, "164.308(a)(7)(ii)(A)", "Data backup plan");
pub const HIPAA_312_A: Control = c(Hipaa, "164.312(a)(1)", "Access control");
pub const HIPAA_312_B: Control = c(Hipaa, "164.312(b)", "Audit controls");
pub const HIPAA_312_C: Control = c(Hipaa, "164.312(c)(1)", "Integrity");
pub const HIPAA_312_D: Control = c(Hipaa, "164.312(d)", "Person or entity authentication");
pub const HIPAA_312_E: Control = c(Hipaa, "164.312(e)(1)", "Transmission security");

pub const SOC2_CC6_1: Control = c(
    Soc2,
    "CC6.1",
    "Logical access security software, infrastructure and architectures",
);
pub const SOC2_CC6_6: Control = c(
    Soc2,
    "CC6.6",
    "Security measures against threats from outside system boundaries",
);
pub const SOC2_CC6_8: Control = c(
    Soc2,
    "CC6.8",
    "Controls to prevent or detect unauthorized or malicious software",
);
pub const SOC2_CC7_1: Control = c(
    Soc2,
    "CC7.1",
    "Detection of configuration changes and vulnerabilities",
);
pub const SOC2_CC7_2: Control = c(
    Soc2,
    "CC7.2",
    "Monitoring of system components for anomalies",
);
pub const SOC2_CC7_4: Control = c(Soc2, "CC7.4", "Response to identified security incidents");
pub const SOC2_CC8_1: Control = c(Soc2, "CC8.1", "Change management");

pub const NIST_4_1_1: Control = c(Nist800190, "4.1.1", "Image vulnerabilities");
pub const NIST_4_1_2: Control = c(Nist800190, "4.1.2", "Image configuration defects");
pub const NIST_4_1_3: Control = c(Nist800190, "4.1.3", "Embedded malware");
pub const NIST_4_1_4: Control = c(Nist800190, "4.1.4", "Embedded clear text secrets");
pub const NIST_4_1_5: Control = c(Nist800190, "4.1.5", "Use of untrusted images");
pub const NIST_4_2_1: Control = c(Nist800190, "4.2.1", "Insecure connections to registries");
pub const NIST_4_2_2: Control = c(Nist800190, "4.2.2", "Stale images in registries");
pub const NIST_4_3_1: Control = c(Nist800190, "4.3.1", "Unbounded administrative access");
pub const NIST_4_3_2: Control = c(Nist800190, "4.3.2", "Unauthorized access");
pub const NIST_4_3_3: Control = c(
    Nist800190,
    "4.3.3",
    "Poorly separated inter-container network traffic",
);
pub const NIST_4_3_4: Control = c(Nist800190, "4.3.4", "Mixing of workload sensitivity levels");
pub const NIST_4_4_1: Control = c(
    Nist800190,
    "4.4.1",
    "Vulnerabilities within the runtime software",
);
pub const NIST_4_4_2: Control = c(
    Nist800190,
    "4.4.2",
    "Unbounded network access from containers",
);
pub const NIST_4_4_3: Control = c(
    Nist800190,
    "4.4.3",
    "Insecure container runtime configurations",
);
pub const NIST_4_4_5: Control = c(Nist800190, "4.4.5", "Rogue containers");
pub const NIST_4_5_1: Control = c(Nist800190, "4.5.1", "Large attack surface of the host OS");
pub const NIST_4_5_4: Control = c(
    Nist800190,
    "4.5.4",
    "Improper user access rights on the host",
);
pub const NIST_4_5_5: Control = c(Nist800190, "4.5.5", "Host file system tampering");

/// Every control checks map to directly (`Check::controls`), in report order. The CIS
/// Docker and PSS controls are in [`super::benchmarks`]; [`Framework::controls`] lists
/// any framework's.
pub const ALL_CONTROLS: &[Control] = &[
    GDPR_5_1_F,
    GDPR_25,
    GDPR_30,
    GDPR_32,
    GDPR_32_D,
    GDPR_33,
    GDPR_35,
    PCI_1_3,
    PCI_1_4,
    PCI_2_2,
    PCI_2_2_4,
    PCI_2_2_5,
    PCI_2_2_6,
    PCI_3_5_1,
    PCI_4_2_1,
    PCI_6_3,
    PCI_7_2,
    PCI_8_3_2,
    PCI_8_6_2,
    PCI_10_2,
    PCI_11_3,
    PCI_12_1,
    HIPAA_308_A1,
    HIPAA_308_A7,
    HIPAA_312_A,
    HIPAA_312_B,
    HIPAA_312_C,
    HIPAA_312_D,
    HIPAA_312_E,
    SOC2_CC6_1,
    SOC2_CC6_6,
    SOC2_CC6_8,
    SOC2_CC7_1,
    SOC2_CC7_2,
    SOC2_CC7_4,
    SOC2_CC8_1,
    NIST_4_1_1,
    NIST_4_1_2,
    NIST_4_1_3,
    NIST_4_1_4,
    NIST_4_1_5,
    NIST_4_2_1,
    NIST_4_2_2,
    NIST_4_3_1,
    NIST_4_3_2,
    NIST_4_3_3,
    NIST_4_3_4,
    NIST_4_4_1,
    NIST_4_4_2,
    NIST_4_4_3,
    NIST_4_4_5,
    NIST_4_5_1,
    NIST_4_5_4,
    NIST_4_5_5,
];

// Control sets shared by many checks, so each check file stays short and consistent.

/// Insecure runtime configuration of a container (privileges, isolation, hardening).
pub const RUNTIME_HARDENING: &[Control] = &[
    GDPR_32,
    PCI_2_2,
    PCI_2_2_6,
    HIPAA_312_A,
    SOC2_CC6_1,
    NIST_4_4_3,
];
/// Host isolation: namespaces, mounts, devices shared with the host.
pub const HOST_ISOLATION: &[Control] = &[
    GDPR_32,
    PCI_2_2,
    PCI_2_2_6,
    HIPAA_312_A,
    HIPAA_312_C,
    SOC2_CC6_1,
    NIST_4_4_3,
    NIST_4_5_5,
];
/// Availability and resource exhaustion.
pub const RESOURCE_LIMITS: &[Control] = &[GDPR_32, PCI_2_2, SOC2_CC7_2, NIST_4_4_3];
/// Image build and configuration defects.
pub const IMAGE_CONFIG: &[Control] = &[GDPR_25, PCI_2_2, PCI_6_3, SOC2_CC8_1, NIST_4_1_2];
/// Image provenance and trust.
pub const IMAGE_TRUST: &[Control] = &[PCI_6_3, SOC2_CC6_8, SOC2_CC8_1, NIST_4_1_5];
/// Hard-coded or clear-text secrets.
pub const SECRETS: &[Control] = &[
    GDPR_5_1_F,
    GDPR_32,
    PCI_8_3_2,
    PCI_8_6_2,
    HIPAA_312_A,
    HIPAA_312_D,
    SOC2_CC6_1,
    NIST_4_1_4,
];
/// Least privilege in the orchestrator.
pub const LEAST_PRIVILEGE: &[Control] = &[
    GDPR_25,
    GDPR_32,
    PCI_7_2,
    HIPAA_312_A,
    SOC2_CC6_1,
    NIST_4_3_1,
    NIST_4_3_2,
];
/// Network segmentation between workloads.
pub const SEGMENTATION: &[Control] = &[
    GDPR_32,
    PCI_1_3,
    HIPAA_312_A,
    HIPAA_312_E,
    SOC2_CC6_6,
    NIST_4_3_3,
    NIST_4_4_2,
];
/// Exposure to networks outside the cluster or host.
pub const EXPOSURE: &[Control] = &[
    GDPR_25,
    GDPR_32,
    PCI_1_3,
    PCI_1_4,
    HIPAA_312_E,
    SOC2_CC6_6,
    NIST_4_4_2,
];
/// Daemon and host configuration.
pub const DAEMON_CONFIG: &[Control] = &[
    GDPR_32, PCI_2_2, PCI_2_2_6, SOC2_CC6_1, NIST_4_4_1, NIST_4_5_1,
];
/// Logging and audit trail.
pub const AUDIT_LOGGING: &[Control] = &[PCI_10_2, HIPAA_312_B, SOC2_CC7_2];
/// Transport security.
pub const TRANSPORT: &[Control] = &[GDPR_32, PCI_4_2_1, HIPAA_312_E, SOC2_CC6_1, NIST_4_2_1];
