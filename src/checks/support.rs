//! Helpers shared by check families: resource references, evidence paths, iteration over
//! Kubernetes containers (one per controller, not per replica), effective security context.

use super::input::Input;
use crate::findings::ResourceRef;
use crate::model::{
    Container, ContainerSpec, DockerHost, Image, PodSpec, SeccompProfile, WorkloadUnit,
};

pub fn host_ref(h: &DockerHost) -> ResourceRef {
    ResourceRef::docker("Host", &h.name, &h.name)
}

pub fn container_ref(c: &Container) -> ResourceRef {
    ResourceRef::docker("Container", &c.name, &c.host)
}

pub fn image_ref(i: &Image) -> ResourceRef {
    ResourceRef::docker("Image", &i.display_name(), &i.host)
}

pub fn unit_ref(u: &WorkloadUnit) -> ResourceRef {
    ResourceRef::kube(u.kind.as_str(), Some(u.namespace()), u.name)
}

/// `spec.template.spec.<field>` in the shape of the controller the finding names, so the
/// path points at what to edit even when only its pods were read.
pub fn pod_path(u: &WorkloadUnit, field: &str) -> String {
    format!("{}.{field}", u.kind.template_path())
}

/// One container of one controller's pod template.
#[derive(Clone, Copy)]
pub struct KubeContainer<'a> {
    pub unit: WorkloadUnit<'a>,
    pub container: &'a ContainerSpec,
}

impl<'a> KubeContainer<'a> {
    pub fn pod(&self) -> &'a PodSpec {
        self.unit.pod()
    }
    pub fn resource(&self) -> ResourceRef {
        unit_ref(&self.unit).with_container(&self.container.name)
    }
    /// `spec.template.spec.containers[1].<field>`.
    pub fn path(&self, field: &str) -> String {
        format!(
            "{}.{}.{field}",
            self.unit.kind.template_path(),
            self.container.path()
        )
    }
    /// Container setting, else the pod's.
    pub fn run_as_user(&self) -> Option<i64> {
        self.container
            .security_context
            .run_as_user
            .or(self.pod().security_context.run_as_user)
    }
    pub fn run_as_group(&self) -> Option<i64> {
        self.container
            .security_context
            .run_as_group
            .or(self.pod().security_context.run_as_group)
    }
    pub fn run_as_non_root(&self) -> Option<bool> {
        self.container
            .security_context
            .run_as_non_root
            .or(self.pod().security_context.run_as_non_root)
    }
    pub fn seccomp(&self) -> Option<&'a SeccompProfile> {
        self.container
            .security_context
            .seccomp_profile
            .as_ref()
            .or(self.pod().security_context.seccomp_profile.as_ref())
    }
    pub fn apparmor(&self) -> Option<&'a str> {
        self.container
            .security_context
            .apparmor_profile
            .as_deref()
            .or(self.pod().security_context.apparmor_profile.as_deref())
    }
}

/// Every container (init containers included) of every workload unit.
pub fn kube_containers<'s, 'a: 's>(
    s: &'s Input<'a>,
) -> impl Iterator<Item = KubeContainer<'a>> + 's {
    s.units().flat_map(|unit| {
        unit.pod()
            .all_containers()
            .map(move |container| KubeContainer { unit, container })
    })
}

/// Docker capability names come as `CAP_SYS_ADMIN` or `SYS_ADMIN`, any case.
pub fn cap_name(cap: &str) -> String {
    let up = cap.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_string).unwrap_or(up)
}

/// Image reference parts: (registry, repository, tag, digest).
pub struct ImageRef<'a> {
    pub registry: &'a str,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Parse `registry:5000/team/app:1.2@sha256:...` the way the Docker CLI does: the first
/// component is a registry when it has a dot or a colon or is `localhost`.
pub fn parse_image_ref(reference: &str) -> ImageRef<'_> {
    let (name, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    let (registry, rest) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first, rest)
        }
        _ => ("docker.io", name),
    };
    let (repository, tag) = match rest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag)),
        _ => (rest, None),
    };
    ImageRef {
        registry,
        repository,
        tag,
        digest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        let r = parse_image_ref("nginx");
        assert_eq!(
            (r.registry, r.repository, r.tag),
            ("docker.io", "nginx", None)
        );
        let r = parse_image_ref("registry.local:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.registry, "registry.local:5000");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = parse_image_ref("localhost/app");
        assert_eq!((r.registry, r.tag), ("localhost", None));
        assert_eq!(cap_name("cap_sys_admin"), "SYS_ADMIN");
    }
}
