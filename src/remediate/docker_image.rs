//! Plans for the Docker image checks (DI-001 to DI-012). An image is fixed in its
//! Dockerfile and rebuilt, so most plans are manual steps; DI-007 (a container started
//! from a mutable reference) gets the `docker run` image reference pinned by digest when
//! the snapshot knows the image's registry digest.

use super::docker::{container, run_draft};
use super::yaml::Y;
use super::{object_words, Draft, PlanKind, Target};
use crate::findings::Finding;
use crate::model::Snapshot;

pub(crate) fn plan(f: &Finding, s: &Snapshot) -> Option<Draft> {
    if f.check_id == "DI-007" {
        return pin_container_image(f, s);
    }
    let image = f.resource.name.as_str();
    let rebuild = format!("Rebuild and push: `docker build --pull -t {image} . && docker push {image}`, then re-create the containers that use it.");
    let (what, mut steps, caveat): (&str, Vec<String>, &str) = match f.check_id.as_str() {
        "DI-001" => ("run as an unprivileged user", vec![
            "In the Dockerfile, after the steps that need root: `RUN useradd -r -u 10001 app` (Alpine: `adduser -S -u 10001 app`) and `USER 10001:10001`.".into()],
            "files the process writes at run time must be owned by UID 10001 (`COPY --chown=10001:10001`)"),
        "DI-002" => ("add a HEALTHCHECK", vec![
            "In the Dockerfile: `HEALTHCHECK --interval=30s --timeout=3s CMD [\"/app/healthcheck\"]` (or `CMD curl -fsS http://localhost:8080/healthz || exit 1`).".into()],
            "the command is a template: it must exist in the image and check what matters for this app"),
        "DI-003" => ("use COPY instead of ADD", vec![
            "In the Dockerfile, replace `ADD <src> <dest>` by `COPY <src> <dest>`; for a remote file: `RUN curl -fsSLo file <url> && echo '<sha256>  file' | sha256sum -c -` (or `ADD --checksum=sha256:...`).".into()],
            "ADD also unpacks local archives: replace those by COPY + an explicit `tar -x`"),
        "DI-004" => ("update and install in one layer", vec![
            "In the Dockerfile: `RUN apt-get update && apt-get install -y --no-install-recommends <pkgs> && rm -rf /var/lib/apt/lists/*` (Alpine: `RUN apk add --no-cache <pkgs>`).".into()],
            "a cached `apt-get update` layer installs stale package versions"),
        "DI-005" => ("remove the secret from the image and rotate it", vec![
            format!("Rotate the credential at its issuer now: it is readable by anyone who can pull {image} (found at {}).", f.discriminator),
            "Remove the value from the Dockerfile (ENV, ARG, LABEL, RUN); pass it at run time from a secret store, or at build time with `RUN --mount=type=secret,id=<id>`.".into(),
            format!("Delete the old image from the registry and hosts: `docker image rm {image}` (and the registry's delete API)."),
            ],
            "rotation comes first: rebuilding does not remove the value from copies already pulled"),
        "DI-006" => ("tag with an immutable version", vec![
            format!("Tag each build with a version or the commit SHA: `docker build -t {}:1.4.2 .`, and deploy that tag (better its digest).", image.rsplit_once(':').map_or(image, |(r, _)| r))],
            "deployments that reference the latest tag must change their reference too"),
        "DI-008" => ("build in CI and push to a registry", vec![
            format!("Push it: `docker tag {image} registry.example.com/{image}` and `docker push registry.example.com/{image}` (or build it in CI)."),
            "Re-create the containers from the registry reference.".into()],
            "registry.example.com stands for your registry"),
        "DI-009" => ("remove the SSH server", vec![
            "In the Dockerfile, remove `EXPOSE 22` and the SSH server package; debug with `docker exec` instead.".into()],
            "for an SFTP service, keep SSH but publish it only where it is needed, and accept the finding with a reason"),
        "DI-010" => ("remove the VOLUME for a sensitive path", vec![
            format!("In the Dockerfile, remove `VOLUME {}`; declare volumes only for application data (e.g. `VOLUME /var/lib/app`).", f.discriminator)],
            "containers created from the old image keep their anonymous volume: remove it after re-creating them"),
        "DI-011" => ("build without sudo", vec![
            "In the Dockerfile, run privileged steps as root before `USER 10001`, and drop `sudo`; where a step must change user at run time, use `gosu`/`su-exec` in the entrypoint.".into()],
            "a build that needs sudo usually switched USER too early"),
        "DI-012" => ("rebuild from an updated base", vec![
            "Rebuild without cache from the updated base: `docker build --pull --no-cache -t <image>:<new-tag> .` on a regular (e.g. weekly) CI schedule.".into()],
            "test the rebuilt image: base updates can change library versions"),
        _ => return None,
    };
    if f.check_id != "DI-008" {
        steps.push(rebuild);
    }
    Some(Draft {
        summary: format!("{}: {what} (manual)", object_words(f)),
        target: Target::Docker {
            host: f.resource.host.clone().unwrap_or_default(),
            container: String::new(),
        },
        kind: PlanKind::Manual { steps },
        containment: None,
        caveats: vec![caveat.to_string()],
    })
}

/// DI-007: start the container from `image@sha256:...` when the snapshot has the digest.
fn pin_container_image(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let c = container(f, s)?;
    let repo = c
        .image
        .rsplit_once(':')
        .filter(|(_, t)| !t.contains('/'))
        .map_or(c.image.as_str(), |(r, _)| r);
    let digest = s.docker.image_of(c)?.repo_digests.iter().find_map(|d| {
        let (r, dg) = d.split_once('@')?;
        (r == repo || r.ends_with(&format!("/{repo}"))).then_some(dg)
    })?;
    let pinned = format!("{}@{digest}", c.image);
    Some(run_draft(
        f,
        c,
        "pin the image by digest",
        (vec![c.image.clone()], vec![pinned.clone()]),
        vec![("image", Y::str(&pinned))],
        vec![
            "the digest is the one this host runs now: confirm it is the build you mean to keep"
                .to_string(),
        ],
    ))
}
