//! Docker image checks (CIS Docker Benchmark section 4 and the image rules of Trivy,
//! Dockle and Checkov), over `docker image inspect` data and the image's build history.
//!
//! History entries are read newest first, as `docker history` and the Engine API list them,
//! so `History[0]` in evidence is the top layer.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::frameworks::*;
use super::input::Input;
use super::{container_ref, image_ref, parse_image_ref, Check, Family, Out, Severity};
use crate::findings::Evidence;
use crate::model::{DataKind, HistoryEntry, Image};

const NEEDS: &[DataKind] = &[DataKind::DockerImages];
const NEEDS_HISTORY: &[DataKind] = &[DataKind::DockerImages, DataKind::DockerImageHistory];
const NEEDS_CONTAINERS: &[DataKind] = &[DataKind::DockerContainers];

/// Directories Dockle (DKL-DI-0001) and CIS-D 5.6 name as sensitive, plus the Docker socket.
const SENSITIVE_VOLUMES: &[&str] = &[
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/proc",
    "/root",
    "/sys",
    "/usr",
    "/var/run/docker.sock",
    "/run/docker.sock",
];

/// An image older than this (relative to the snapshot time) is stale.
const STALE_DAYS: i64 = 365;

/// Package managers and the subcommands that refresh their index only.
const PM_UPDATE: &[(&str, &[&str])] = &[
    ("apt-get", &["update"]),
    ("apt", &["update"]),
    ("apk", &["update"]),
    ("yum", &["update", "makecache"]),
    ("dnf", &["update", "makecache"]),
    ("microdnf", &["update", "makecache"]),
    ("zypper", &["refresh", "ref"]),
];

/// Subcommands that install or upgrade packages in the same RUN (any package manager).
const PM_INSTALL: &[&str] = &[
    "install",
    "add",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "in",
    "up",
    "dup",
];

pub const CHECKS: &[Check] = &[
    Check {
        id: "DI-001",
        title: "Image runs as root",
        family: Family::DockerImage,
        severity: Severity::Medium,
        rationale: "An image without a non-root USER starts every container as UID 0 unless the runtime overrides it; any code execution in the container then runs as root, one step from the host.",
        remediation: "Create an unprivileged user in the Dockerfile and switch to it: `RUN useradd -r -u 10001 app` then `USER 10001:10001` (a numeric UID lets runtimes verify it is not root).",
        refs: &["CIS-D 4.1", "DS-0002", "CIS-DI-0001", "CKV_DOCKER_3"],
        controls: &[GDPR_25, PCI_2_2, PCI_7_2, SOC2_CC6_1, NIST_4_1_2],
        needs: NEEDS,
        run: runs_as_root,
    },
    Check {
        id: "DI-002",
        title: "Image has no HEALTHCHECK",
        family: Family::DockerImage,
        severity: Severity::Low,
        rationale: "Without a HEALTHCHECK, Docker cannot tell a hung or broken service from a healthy one: nothing restarts it or alerts on it, and a compromised process that stops serving goes unnoticed.",
        remediation: "Add a `HEALTHCHECK --interval=30s --timeout=3s CMD [\"/app/healthcheck\"]` (or `CMD curl -fsS http://localhost:8080/healthz || exit 1`) instruction to the Dockerfile, and do not ship `HEALTHCHECK NONE`.",
        refs: &["CIS-D 4.6", "DS-0026", "CIS-DI-0006"],
        controls: &[GDPR_32, PCI_2_2, SOC2_CC7_2, NIST_4_1_2],
        needs: NEEDS,
        run: no_healthcheck,
    },
    Check {
        id: "DI-003",
        title: "ADD used instead of COPY",
        family: Family::DockerImage,
        severity: Severity::Low,
        rationale: "ADD fetches remote URLs and unpacks archives implicitly: a build can pull unverified content from the network or extract files to unexpected places. COPY does only what it says.",
        remediation: "Replace `ADD <src> <dest>` with `COPY <src> <dest>` in the Dockerfile; for remote files use `RUN curl -fsSLo file <url> && echo '<sha256>  file' | sha256sum -c -` (or `ADD --checksum=sha256:...`).",
        refs: &["CIS-D 4.9", "DS-0005", "CIS-DI-0009"],
        controls: IMAGE_CONFIG,
        needs: NEEDS_HISTORY,
        run: add_instead_of_copy,
    },
    Check {
        id: "DI-004",
        title: "Package index updated in a layer without install",
        family: Family::DockerImage,
        severity: Severity::Medium,
        rationale: "A RUN that only refreshes the package index (apt-get update, apk update, yum update) is cached on its own: later builds install from a stale index and miss security updates.",
        remediation: "Update and install in one RUN instruction: `RUN apt-get update && apt-get install -y --no-install-recommends <pkgs> && rm -rf /var/lib/apt/lists/*` (Alpine: `RUN apk add --no-cache <pkgs>`).",
        refs: &["CIS-D 4.7", "DS-0017", "CIS-DI-0007"],
        controls: &[PCI_2_2, PCI_6_3, SOC2_CC8_1, NIST_4_1_1, NIST_4_1_2],
        needs: NEEDS_HISTORY,
        run: update_alone,
    },
    Check {
        id: "DI-005",
        title: "Secret in image configuration or build history",
        family: Family::DockerImage,
        severity: Severity::High,
        rationale: "Anything in an image's ENV, labels, CMD, ENTRYPOINT or build history ships to everyone who can pull the image and stays in its layers forever, even if a later layer removes it.",
        remediation: "Remove the value from the Dockerfile (`ENV`, `ARG`, `LABEL`, `RUN`), pass it at runtime from a secret store (`docker run --env-file`, Docker/Kubernetes secrets) or at build time with `RUN --mount=type=secret,id=...`; rebuild, and rotate the exposed credential.",
        refs: &["CIS-D 4.10", "DS-0031", "CIS-DI-0010"],
        controls: SECRETS,
        needs: NEEDS,
        run: secrets_in_image,
    },
    Check {
        id: "DI-006",
        title: "Image tagged latest or not tagged",
        family: Family::DockerImage,
        severity: Severity::Low,
        rationale: "`latest` and untagged images are mutable references: what runs cannot be traced to a release, rollbacks are guesswork and a re-pull can silently bring different code.",
        remediation: "Tag every build with an immutable version (`docker build -t registry.example.com/app:1.4.2 .`, or the git commit SHA) and deploy that tag, better its digest (`app@sha256:...`).",
        refs: &["DS-0001", "KSV-0013", "CKV_K8S_14", "Polaris tagNotSpecified"],
        controls: IMAGE_TRUST,
        needs: NEEDS,
        run: latest_tag,
    },
    Check {
        id: "DI-007",
        title: "Container image not pinned by digest",
        family: Family::DockerImage,
        severity: Severity::Medium,
        rationale: "A container started from `name:tag` runs whatever the tag pointed to at pull time; tags can be moved, so the same definition can run different (or tampered) code on the next pull.",
        remediation: "Start containers from a digest reference: `docker run registry.example.com/app:1.4.2@sha256:<digest>` (compose: `image: app@sha256:<digest>`); `docker inspect --format '{{index .RepoDigests 0}}' <image>` prints it.",
        refs: &["CKV_K8S_43", "C-0306"],
        controls: IMAGE_TRUST,
        needs: NEEDS_CONTAINERS,
        run: not_pinned,
    },
    Check {
        id: "DI-008",
        title: "Image never pushed to a registry",
        family: Family::DockerImage,
        severity: Severity::Low,
        rationale: "An image with no RepoDigests was built or loaded locally and never pushed to or pulled from a registry: its provenance cannot be verified against a registry, a scan, or a signature.",
        remediation: "Build images in CI and push them to your registry (`docker push registry.example.com/app:1.4.2`), then pull and run them from there; remove locally built images (`docker image rm`).",
        refs: &["C-0078", "C-0001", "NIST 800-190 4.1.5"],
        controls: IMAGE_TRUST,
        needs: NEEDS,
        run: never_pushed,
    },
    Check {
        id: "DI-009",
        title: "Image exposes port 22 (SSH)",
        family: Family::DockerImage,
        severity: Severity::Medium,
        rationale: "An SSH server in a container is a second, usually poorly managed way in: extra credentials, a long-lived daemon and a bypass of `docker exec` auditing.",
        remediation: "Remove `EXPOSE 22` and the SSH server from the Dockerfile; use `docker exec` (or `kubectl exec`) for debugging, with access controlled on the daemon or cluster.",
        refs: &["DS-0004", "CIS-D 5.7"],
        controls: &[GDPR_25, PCI_2_2_4, PCI_2_2_5, SOC2_CC6_6, NIST_4_1_2],
        needs: NEEDS,
        run: ssh_port,
    },
    Check {
        id: "DI-010",
        title: "Sensitive directory declared as VOLUME",
        family: Family::DockerImage,
        severity: Severity::Medium,
        rationale: "A VOLUME on /, /etc, /usr, /root or the Docker socket path invites mounting host directories there and persists system files outside the image, where they escape rebuilds and review.",
        remediation: "Remove the `VOLUME` instruction for that path from the Dockerfile; declare volumes only for application data directories (e.g. `VOLUME /var/lib/app`).",
        refs: &["DKL-DI-0001"],
        controls: IMAGE_CONFIG,
        needs: NEEDS,
        run: sensitive_volume,
    },
    Check {
        id: "DI-011",
        title: "sudo used in image build",
        family: Family::DockerImage,
        severity: Severity::Medium,
        rationale: "sudo in a RUN step means the build already runs as a user that can become root, and leaves a sudo setup in the image that an attacker in the container can use to escalate.",
        remediation: "Drop `sudo` from the Dockerfile: run the privileged steps before `USER`, as root, then switch with `USER 10001`; where a step must change user, use `gosu` or `su-exec` in the entrypoint only.",
        refs: &["DS-0010", "DKL-DI-0002"],
        controls: &[GDPR_25, PCI_2_2, PCI_7_2, NIST_4_1_2],
        needs: NEEDS_HISTORY,
        run: sudo_in_build,
    },
    Check {
        id: "DI-012",
        title: "Stale image (built more than a year ago)",
        family: Family::DockerImage,
        severity: Severity::Low,
        rationale: "An image not rebuilt for over a year carries every vulnerability fixed in its base image and packages since: stale images are where known, exploitable CVEs accumulate.",
        remediation: "Rebuild the image regularly from an updated base (`docker build --pull --no-cache`), e.g. on a weekly CI schedule, redeploy, and remove images no longer used (`docker image prune`).",
        refs: &["NIST 800-190 4.2.2"],
        controls: &[PCI_6_3, PCI_11_3, SOC2_CC7_1, NIST_4_1_1, NIST_4_2_2],
        needs: NEEDS,
        run: stale_image,
    },
];

// ---- helpers -------------------------------------------------------------------------

/// `0`, `root`, `0:0`, `root:wheel`, or empty (the default is root).
fn is_root_user(user: &str) -> bool {
    let u = user.trim().split(':').next().unwrap_or("").trim();
    u.is_empty() || u == "0" || u.eq_ignore_ascii_case("root")
}

fn history_path(i: usize) -> String {
    format!("History[{i}].CreatedBy")
}

/// Strip the builder's decorations from a history line: the ` # buildkit` suffix, the
/// classic builder's `/bin/sh -c #(nop) ` prefix. Returns (instruction, arguments) for
/// Dockerfile instructions, and ("RUN", command) for shell commands.
fn instruction(created_by: &str) -> (String, &str) {
    let mut s = created_by.trim();
    if let Some(rest) = s.strip_suffix("# buildkit") {
        s = rest.trim_end();
    }
    if let Some(i) = s.find("#(nop)") {
        s = s[i + "#(nop)".len()..].trim_start();
        return split_instruction(s).unwrap_or_else(|| (String::new(), s));
    }
    if let Some((word, rest)) = split_instruction(s) {
        return (word, rest);
    }
    // `/bin/sh -c cmd`, `|2 A=1 B=2 /bin/sh -c cmd`, `cmd /S /C ...`: a shell command.
    ("RUN".to_string(), s)
}

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

fn split_instruction(s: &str) -> Option<(String, &str)> {
    let (word, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    INSTRUCTIONS
        .contains(&word)
        .then(|| (word.to_string(), rest.trim_start()))
}

/// Shell command segments of a RUN: split on `&&`, `||`, `;`, `|` and newlines.
fn segments(cmd: &str) -> Vec<Vec<&str>> {
    cmd.split(['&', '|', ';', '\n', '(', ')'])
        .map(|seg| seg.split_whitespace().collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect()
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The command word of a segment and its index: skips `VAR=value` prefixes, shell
/// keywords, the `/bin/sh -c` wrapper and `|N` build-arg counts.
fn command_word<'a>(words: &[&'a str]) -> Option<(usize, &'a str)> {
    let mut i = 0;
    while i < words.len() {
        let w = words[i].trim_matches(|c| c == '"' || c == '\'');
        // Before the command word, `-x` words are shell flags (`sh -c`, `bash -euxc`).
        let skip = w.is_empty()
            || w.starts_with('-')
            || w.contains('=')
            || matches!(w, "then" | "do" | "else" | "exec" | "if" | "!" | "{")
            || w.starts_with('|')
            || w.chars().all(|c| c.is_ascii_digit())
            || matches!(basename(w), "sh" | "bash" | "ash" | "dash");
        if !skip {
            return Some((i, w));
        }
        i += 1;
    }
    None
}

/// For a segment run by a package manager: (manager, subcommand).
fn pm_subcommand<'a>(words: &[&'a str]) -> Option<(&'a str, &'a str)> {
    let (mut i, w) = command_word(words)?;
    let mut pm = basename(w);
    if pm == "sudo" {
        let (j, w) = command_word(&words[i + 1..])?;
        i += j + 1;
        pm = basename(w);
    }
    let sub = words[i + 1..]
        .iter()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .find(|w| !w.starts_with('-'))?;
    Some((pm, sub))
}

/// True when this RUN command refreshes a package index and installs nothing.
fn is_update_alone(cmd: &str) -> bool {
    let segs = segments(cmd);
    let mut update = false;
    let mut install = false;
    for seg in &segs {
        let Some((pm, sub)) = pm_subcommand(seg) else {
            continue;
        };
        if PM_UPDATE
            .iter()
            .any(|(m, subs)| *m == pm && subs.contains(&sub))
        {
            update = true;
        }
        if PM_UPDATE.iter().any(|(m, _)| *m == pm) && PM_INSTALL.contains(&sub) {
            install = true;
        }
    }
    update && !install
}

/// True when a command segment runs `sudo`.
fn uses_sudo(cmd: &str) -> bool {
    segments(cmd)
        .iter()
        .any(|seg| command_word(seg).is_some_and(|(_, w)| basename(w) == "sudo"))
}

const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst",
];

/// For an ADD's arguments: whether it is a legitimate use (the FROM base layer or a local
/// archive ADD unpacks, which COPY cannot do).
fn add_is_acceptable(args: &str) -> bool {
    // Classic builder: `file:<hash> in /` is the base image's root filesystem.
    if let Some((src, dest)) = args.split_once(" in ") {
        let src = src.trim();
        if src.starts_with("file:") && dest.trim() == "/" {
            return true;
        }
        return is_local_archive(src);
    }
    // BuildKit: `ADD [--flags] src... dest`.
    let words: Vec<&str> = args
        .split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .collect();
    match words.split_last() {
        Some((_, sources)) if !sources.is_empty() => sources.iter().all(|s| is_local_archive(s)),
        _ => false,
    }
}

fn is_local_archive(src: &str) -> bool {
    let s = src.trim_matches(|c| c == '"' || c == '\'' || c == '[' || c == ']' || c == ',');
    let lower = s.to_ascii_lowercase();
    !lower.contains("://") && ARCHIVES.iter().any(|a| lower.ends_with(a))
}

/// History entries of the image that match, with their index.
fn history_hits<'a>(
    i: &'a Image,
    pred: impl Fn(&HistoryEntry) -> bool + 'a,
) -> impl Iterator<Item = (usize, &'a HistoryEntry)> + 'a {
    i.history.iter().enumerate().filter(move |(_, h)| pred(h))
}

fn emit_history(out: &mut Out, i: &Image, hits: Vec<(usize, &HistoryEntry)>, what: &str) {
    if hits.is_empty() {
        return;
    }
    let msg = format!(
        "image {} {what} ({} layer{})",
        i.display_name(),
        hits.len(),
        if hits.len() == 1 { "" } else { "s" }
    );
    let ev = hits
        .into_iter()
        .map(|(n, h)| Evidence::new(history_path(n), h.created_by.clone()))
        .collect();
    out.emit(image_ref(i), "", msg, ev);
}

/// `env.DB_PASSWORD` -> `Config.Env["DB_PASSWORD"]`; `history[3]` -> `History[3].CreatedBy`.
fn secret_path(location: &str) -> String {
    if let Some(name) = location.strip_prefix("env.") {
        format!("Config.Env[\"{name}\"]")
    } else if let Some(key) = location.strip_prefix("label:") {
        format!("Config.Labels[\"{key}\"]")
    } else if let Some(rest) = location.strip_prefix("history") {
        format!("History{rest}.CreatedBy")
    } else if let Some(rest) = location.strip_prefix("cmd") {
        format!("Config.Cmd{rest}")
    } else if let Some(rest) = location.strip_prefix("entrypoint") {
        format!("Config.Entrypoint{rest}")
    } else {
        location.to_string()
    }
}

/// `/etc/`, `//etc` -> `/etc`.
fn clean_path(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

// ---- checks --------------------------------------------------------------------------

fn runs_as_root(s: &Input, out: &mut Out) {
    for i in s.docker.images.iter().filter(|i| is_root_user(&i.user)) {
        let user = i.user.trim();
        let msg = if user.is_empty() {
            format!(
                "image {} sets no USER, so containers start as root",
                i.display_name()
            )
        } else {
            format!("image {} runs as user {user} (root)", i.display_name())
        };
        out.emit(
            image_ref(i),
            "",
            msg,
            vec![Evidence::new("Config.User", user.to_string())],
        );
    }
}

fn no_healthcheck(s: &Input, out: &mut Out) {
    for i in &s.docker.images {
        let (observed, msg) = match &i.healthcheck {
            None => ("(none)".to_string(), "has no HEALTHCHECK"),
            Some(h) if h.is_disabled() => (
                format!("{:?}", h.test),
                "disables its health check (HEALTHCHECK NONE)",
            ),
            Some(_) => continue,
        };
        out.emit(
            image_ref(i),
            "",
            format!("image {} {msg}", i.display_name()),
            vec![Evidence::new("Config.Healthcheck", observed)],
        );
    }
}

fn add_instead_of_copy(s: &Input, out: &mut Out) {
    for i in s.docker.images.iter().filter(|i| i.history_collected) {
        let hits = history_hits(i, |h| {
            let (ins, args) = instruction(&h.created_by);
            ins == "ADD" && !add_is_acceptable(args)
        })
        .collect();
        emit_history(out, i, hits, "was built with ADD where COPY would do");
    }
}

fn update_alone(s: &Input, out: &mut Out) {
    for i in s.docker.images.iter().filter(|i| i.history_collected) {
        let hits = history_hits(i, |h| {
            let (ins, cmd) = instruction(&h.created_by);
            ins == "RUN" && is_update_alone(cmd)
        })
        .collect();
        emit_history(
            out,
            i,
            hits,
            "refreshes its package index in a RUN that installs nothing",
        );
    }
}

fn secrets_in_image(s: &Input, out: &mut Out) {
    for i in &s.docker.images {
        for hit in &i.secrets {
            out.emit(
                image_ref(i),
                hit.location.clone(),
                format!(
                    "image {} holds a secret ({}) in {}",
                    i.display_name(),
                    hit.rule,
                    hit.location
                ),
                vec![Evidence::new(
                    secret_path(&hit.location),
                    hit.redacted.clone(),
                )],
            );
        }
    }
}

fn latest_tag(s: &Input, out: &mut Out) {
    for i in &s.docker.images {
        let tags: Vec<(usize, &String)> = i
            .repo_tags
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.trim().is_empty() && t.as_str() != "<none>:<none>")
            .collect();
        if tags.is_empty() {
            out.emit(
                image_ref(i),
                "untagged",
                format!("image {} has no tag", i.display_name()),
                vec![Evidence::new("RepoTags", "[]")],
            );
            continue;
        }
        for (n, t) in tags {
            let r = parse_image_ref(t.trim());
            if matches!(r.tag, None | Some("latest")) {
                out.emit(
                    image_ref(i),
                    t.clone(),
                    format!("image {} is tagged {t}, a mutable tag", i.display_name()),
                    vec![Evidence::new(format!("RepoTags[{n}]"), t.clone())],
                );
            }
        }
    }
}

fn not_pinned(s: &Input, out: &mut Out) {
    for c in &s.docker.containers {
        let image = c.image.trim();
        if image.is_empty() {
            continue;
        }
        // Started by digest, or by image id (`sha256:...` / the full hex id): immutable.
        let bare_id = image.len() == 64 && image.chars().all(|ch| ch.is_ascii_hexdigit());
        if image.contains("@sha256:") || image.starts_with("sha256:") || bare_id {
            continue;
        }
        out.emit(
            container_ref(c),
            "",
            format!(
                "container {} was started from {image}, a reference not pinned by digest",
                c.name
            ),
            vec![Evidence::new("Config.Image", image.to_string())],
        );
    }
}

fn never_pushed(s: &Input, out: &mut Out) {
    for i in s
        .docker
        .images
        .iter()
        .filter(|i| i.repo_digests.iter().all(|d| d.trim().is_empty()))
    {
        out.emit(
            image_ref(i),
            "",
            format!(
                "image {} has no registry digest: it was never pushed to or pulled from a registry",
                i.display_name()
            ),
            vec![Evidence::new("RepoDigests", "[]")],
        );
    }
}

fn ssh_port(s: &Input, out: &mut Out) {
    for i in &s.docker.images {
        for p in &i.exposed_ports {
            let p = p.trim();
            if p == "22" || p.eq_ignore_ascii_case("22/tcp") {
                out.emit(
                    image_ref(i),
                    "",
                    format!("image {} exposes port 22 (SSH)", i.display_name()),
                    vec![Evidence::new(
                        format!("Config.ExposedPorts[\"{p}\"]"),
                        p.to_string(),
                    )],
                );
            }
        }
    }
}

fn sensitive_volume(s: &Input, out: &mut Out) {
    for i in &s.docker.images {
        for v in &i.volumes {
            let path = clean_path(v.trim());
            if !v.trim().starts_with('/') || !SENSITIVE_VOLUMES.contains(&path.as_str()) {
                continue;
            }
            out.emit(
                image_ref(i),
                path.clone(),
                format!("image {} declares {path} as a VOLUME", i.display_name()),
                vec![Evidence::new(format!("Config.Volumes[\"{v}\"]"), v.clone())],
            );
        }
    }
}

fn sudo_in_build(s: &Input, out: &mut Out) {
    for i in s.docker.images.iter().filter(|i| i.history_collected) {
        let hits = history_hits(i, |h| {
            let (ins, cmd) = instruction(&h.created_by);
            ins == "RUN" && uses_sudo(cmd)
        })
        .collect();
        emit_history(out, i, hits, "runs sudo in its build");
    }
}

fn stale_image(s: &Input, out: &mut Out) {
    let Some(now) = parse_time(&s.created_at) else {
        return;
    };
    for i in &s.docker.images {
        let Some(created) = parse_time(&i.created) else {
            continue;
        };
        // Reproducible builds stamp the epoch (1970) or zero time: the date says nothing.
        if created.year() < 2000 {
            continue;
        }
        let age = (now - created).whole_days();
        if age <= STALE_DAYS {
            continue;
        }
        out.emit(
            image_ref(i),
            "",
            format!(
                "image {} was built {age} days before this snapshot (more than {STALE_DAYS})",
                i.display_name()
            ),
            vec![Evidence::new("Created", i.created.clone())],
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::findings::Finding;
    use crate::model::{Container, Healthcheck, HistoryEntry, Image, SecretHit, Snapshot};
    use crate::testkit::{container, docker, host, image, run_check};

    const TAG: &str = "registry.example.com/app:1.0";

    fn snap(images: Vec<Image>) -> Snapshot {
        let mut s = docker(vec![container("x")]);
        s.docker.hosts = vec![host("testhost")];
        s.docker.images = images;
        s.created_at = "2026-11-01T12:00:00Z".into();
        s
    }

    /// Run `id` over a bad image plus the hardened one: the bad one is the only finding.
    fn only_bad(id: &str, set: impl FnOnce(&mut Image)) -> Vec<Finding> {
        let mut bad = image("registry.example.com/bad:1.0");
        bad.id = "sha256:2222".into();
        set(&mut bad);
        let name = bad.display_name();
        let f = run_check(id, &snap(vec![bad, image(TAG)]));
        assert!(!f.is_empty(), "{id}: no finding");
        for f in &f {
            assert_eq!(f.check_id, id);
            assert_eq!(f.resource.kind, "Image");
            assert_eq!(f.resource.name, name);
        }
        f
    }

    fn passes(id: &str, set: impl FnOnce(&mut Image)) {
        let mut i = image(TAG);
        set(&mut i);
        let f = run_check(id, &snap(vec![i]));
        assert!(f.is_empty(), "{id}: unexpected {f:?}");
    }

    fn history(lines: &[&str]) -> Vec<HistoryEntry> {
        lines
            .iter()
            .map(|l| HistoryEntry {
                created_by: l.to_string(),
                empty_layer: false,
            })
            .collect()
    }

    #[test]
    fn hardened_image_has_no_findings() {
        let mut i = image(TAG);
        i.created = "2026-10-01T08:00:00.123456789Z".into();
        let s = snap(vec![i]);
        for c in super::CHECKS {
            let f = c.evaluate(&s);
            assert!(f.is_empty(), "{} fired on the hardened image: {f:?}", c.id);
        }
    }

    #[test]
    fn di001_runs_as_root() {
        for user in ["", "root", "0", "0:0", "root:wheel"] {
            let f = only_bad("DI-001", |i| i.user = user.into());
            assert_eq!(f[0].evidence[0].path, "Config.User");
        }
        passes("DI-001", |i| i.user = "app:app".into());
        passes("DI-001", |_| {});
    }

    #[test]
    fn di002_healthcheck() {
        let f = only_bad("DI-002", |i| i.healthcheck = None);
        assert_eq!(f[0].evidence[0].path, "Config.Healthcheck");
        let f = only_bad("DI-002", |i| {
            i.healthcheck = Some(Healthcheck {
                test: vec!["NONE".into()],
            })
        });
        assert!(f[0].message.contains("NONE"));
        passes("DI-002", |_| {});
    }

    #[test]
    fn di003_add_instead_of_copy() {
        let f = only_bad("DI-003", |i| {
            i.history = history(&[
                "CMD [\"/app\"]",
                "ADD --chown=app app.py /app/ # buildkit",
                "/bin/sh -c #(nop) ADD dir:0123abcd in /srv ",
                "/bin/sh -c #(nop) ADD file:9a4f77dfaba7fd2aa78186e4ef0e7486 in / ",
            ])
        });
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence.len(), 2);
        assert_eq!(f[0].evidence[0].path, "History[1].CreatedBy");
        assert_eq!(f[0].evidence[1].path, "History[2].CreatedBy");
        let f = only_bad("DI-003", |i| {
            i.history = history(&["ADD https://example.com/tool.tar.gz /opt/ # buildkit"])
        });
        assert_eq!(f[0].evidence[0].path, "History[0].CreatedBy");
        passes("DI-003", |i| {
            i.history = history(&[
                "COPY app /app # buildkit",
                "RUN /bin/sh -c echo ADD me # buildkit",
                "ADD alpine-minirootfs-3.20.0-x86_64.tar.gz / # buildkit",
                "/bin/sh -c #(nop) ADD file:9a4f77dfaba7fd2aa78186e4ef0e7486 in / ",
            ])
        });
    }

    #[test]
    fn di004_update_alone() {
        for cmd in [
            "RUN /bin/sh -c apt-get update # buildkit",
            "/bin/sh -c apk update",
            "|1 V=2 /bin/sh -c yum -y update",
            "RUN /bin/sh -c DEBIAN_FRONTEND=noninteractive apt-get -q update && echo done # buildkit",
        ] {
            let f = only_bad("DI-004", |i| {
                i.history = history(&["COPY app /app # buildkit", cmd])
            });
            assert_eq!(f[0].evidence[0].path, "History[1].CreatedBy", "{cmd}");
        }
        passes("DI-004", |i| {
            i.history = history(&[
                "RUN /bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* # buildkit",
                "/bin/sh -c apk update && apk add --no-cache curl",
                "/bin/sh -c yum install -y curl",
                "/bin/sh -c #(nop)  LABEL note=apt-get update",
            ])
        });
    }

    #[test]
    fn di005_secrets() {
        let f = only_bad("DI-005", |i| {
            i.secrets = vec![
                SecretHit {
                    location: "env.DB_PASSWORD".into(),
                    rule: "secret-name".into(),
                    redacted: "********#1a2b3c4d".into(),
                },
                SecretHit {
                    location: "history[3]".into(),
                    rule: "aws-access-key-id".into(),
                    redacted: "AKIA****************#9f8e7d6c".into(),
                },
            ]
        });
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "env.DB_PASSWORD");
        assert_eq!(f[0].evidence[0].path, "Config.Env[\"DB_PASSWORD\"]");
        assert_eq!(f[0].evidence[0].observed, "********#1a2b3c4d");
        assert_eq!(f[1].evidence[0].path, "History[3].CreatedBy");
        assert_eq!(f[1].evidence[0].observed, "AKIA****************#9f8e7d6c");
        passes("DI-005", |_| {});
    }

    #[test]
    fn di006_latest_tag() {
        let f = only_bad("DI-006", |i| {
            i.repo_tags = vec![
                "registry.example.com/bad:1.0".into(),
                "registry.example.com/bad:latest".into(),
            ]
        });
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence[0].path, "RepoTags[1]");
        let f = only_bad("DI-006", |i| {
            i.repo_tags = vec!["localhost:5000/bad".into()]
        });
        assert_eq!(f[0].evidence[0].path, "RepoTags[0]");
        let f = only_bad("DI-006", |i| i.repo_tags = vec!["<none>:<none>".into()]);
        assert_eq!(f[0].evidence[0].path, "RepoTags");
        passes("DI-006", |i| {
            i.repo_tags = vec!["localhost:5000/app:2.1".into()]
        });
    }

    #[test]
    fn di007_not_pinned() {
        let mut bad = container("bad");
        bad.image = "registry.example.com/app:1.0".into();
        let mut by_id = container("byid");
        by_id.image = "sha256:1111".into();
        let s = {
            let mut s = snap(vec![image(TAG)]);
            s.docker.containers = vec![bad, by_id, container("good")];
            s
        };
        let f = run_check("DI-007", &s);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].resource.kind, "Container");
        assert_eq!(f[0].resource.name, "bad");
        assert_eq!(f[0].evidence[0].path, "Config.Image");
        let mut s = snap(vec![image(TAG)]);
        s.docker.containers = vec![Container {
            image: "app:1.0@sha256:abcd".into(),
            ..container("good")
        }];
        assert!(run_check("DI-007", &s).is_empty());
    }

    #[test]
    fn di008_never_pushed() {
        let f = only_bad("DI-008", |i| i.repo_digests.clear());
        assert_eq!(f[0].evidence[0].path, "RepoDigests");
        passes("DI-008", |_| {});
    }

    #[test]
    fn di009_ssh_port() {
        let f = only_bad("DI-009", |i| {
            i.exposed_ports = vec!["8080/tcp".into(), "22/tcp".into()]
        });
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence[0].path, "Config.ExposedPorts[\"22/tcp\"]");
        passes("DI-009", |i| {
            i.exposed_ports = vec!["2222/tcp".into(), "22/udp".into(), "80/tcp".into()]
        });
    }

    #[test]
    fn di010_sensitive_volume() {
        let f = only_bad("DI-010", |i| {
            i.volumes = vec![
                "/data".into(),
                "/etc/".into(),
                "/var/run/docker.sock".into(),
            ]
        });
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].discriminator, "/etc");
        assert_eq!(f[0].evidence[0].path, "Config.Volumes[\"/etc/\"]");
        assert_eq!(f[1].discriminator, "/var/run/docker.sock");
        passes("DI-010", |i| {
            i.volumes = vec![
                "/var/lib/app".into(),
                "/etc/nginx/conf.d".into(),
                "/usrdata".into(),
            ]
        });
    }

    #[test]
    fn di011_sudo() {
        let f = only_bad("DI-011", |i| {
            i.history = history(&[
                "USER app",
                "RUN /bin/sh -c sudo apt-get install -y curl # buildkit",
            ])
        });
        assert_eq!(f[0].evidence[0].path, "History[1].CreatedBy");
        let f = only_bad("DI-011", |i| {
            i.history = history(&["/bin/sh -c cd /src && sudo make install"])
        });
        assert_eq!(f[0].evidence[0].path, "History[0].CreatedBy");
        passes("DI-011", |i| {
            i.history = history(&[
                "RUN /bin/sh -c apt-get install -y sudo # buildkit",
                "/bin/sh -c #(nop)  LABEL sudo=no",
            ])
        });
    }

    #[test]
    fn di012_stale() {
        let f = only_bad("DI-012", |i| i.created = "2025-06-01T00:00:00.5Z".into());
        assert_eq!(f[0].evidence[0].path, "Created");
        passes("DI-012", |i| i.created = "2026-01-01T00:00:00Z".into());
        passes("DI-012", |i| i.created = "1970-01-01T00:00:00Z".into());
        passes("DI-012", |i| i.created = "yesterday".into());
        // Snapshot time unknown: nothing to compare with.
        let mut i = image(TAG);
        i.created = "2020-01-01T00:00:00Z".into();
        let mut s = snap(vec![i]);
        s.created_at = String::new();
        assert!(run_check("DI-012", &s).is_empty());
    }
}
