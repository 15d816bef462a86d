//! Plans for the Docker container runtime checks (DC-001 to DC-027): the `docker run`
//! flags to remove and add, the same change as compose service keys, and the containment
//! the apply path may offer on a running container.

use super::docker::{container, mount_flag, port_entry, port_flag, run_draft};
use super::yaml::Y;
use super::Draft;
use crate::checks::cap_name;
use crate::findings::Finding;
use crate::model::{Container, Snapshot};

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub(crate) fn plan(f: &Finding, s: &Snapshot) -> Option<Draft> {
    let c = container(f, s)?;
    let d = f.discriminator.as_str();
    let draft = |what: &str,
                 before: Vec<String>,
                 after: Vec<String>,
                 compose: Vec<(&str, Y)>,
                 caveats: Vec<&str>| {
        let caveats = caveats.into_iter().map(str::to_string).collect();
        Some(run_draft(f, c, what, (before, after), compose, caveats))
    };
    match f.check_id.as_str() {
        "DC-001" => draft("stop running privileged", v(&["--privileged"]), v(&["--cap-drop ALL"]),
            vec![("privileged", Y::bool(false)), ("cap_drop", Y::strs(&["ALL"]))],
            vec!["add back only the capabilities (`--cap-add`) and devices (`--device`) the workload needs; a monitoring agent that needs host access should be accepted with a reason instead"]),
        "DC-002" | "DC-003" => caps(f, c),
        "DC-004" => {
            let mut after = v(&["--cap-drop ALL"]);
            after.extend(c.cap_add.iter().map(|a| format!("--cap-add {a}")));
            draft("drop all capabilities", vec![], after, vec![("cap_drop", Y::strs(&["ALL"]))],
                vec!["the process loses CHOWN, SETUID, SETGID, NET_RAW and the rest of Docker's default set; add back what it needs with --cap-add"])
        }
        "DC-005" => {
            let before: Vec<String> = c.security_opt.iter().filter(|o| o.starts_with("apparmor")).map(|o| format!("--security-opt {o}")).collect();
            draft("confine it with AppArmor", before, v(&["--security-opt apparmor=docker-default"]),
                vec![("security_opt", Y::strs(&keep_opts(c, "apparmor", "apparmor=docker-default")))],
                vec!["the docker-default profile blocks writes to /proc and /sys and mounting; test the workload under it"])
        }
        "DC-006" => {
            let before: Vec<String> = c.security_opt.iter().filter(|o| o.starts_with("label")).map(|o| format!("--security-opt {o}")).collect();
            draft("run it with an SELinux label", before, v(&["--security-opt label=type:container_t"]),
                vec![("security_opt", Y::strs(&keep_opts(c, "label", "label=type:container_t")))],
                vec!["bind mounts then need a matching label (`:z` or `:Z` on -v) to stay readable"])
        }
        "DC-007" => {
            let before: Vec<String> = c.security_opt.iter().filter(|o| o.starts_with("seccomp")).map(|o| format!("--security-opt {o}")).collect();
            let kept: Vec<String> = c.security_opt.iter().filter(|o| !o.starts_with("seccomp")).cloned().collect();
            draft("use the default seccomp profile", before, vec![], vec![("security_opt", Y::strs(&kept))],
                vec!["a syscall Docker's default profile blocks fails with EPERM; if one is needed, use a custom profile (`--security-opt seccomp=profile.json`) derived from the default"])
        }
        "DC-008" => draft("set no-new-privileges", vec![], v(&["--security-opt no-new-privileges:true"]),
            vec![("security_opt", Y::strs(&keep_opts(c, "no-new-privileges", "no-new-privileges:true")))],
            vec!["setuid binaries (sudo, su) in the container stop gaining privileges"]),
        "DC-009" | "DC-010" => {
            let m = c.mounts.iter().find(|m| m.destination == d || m.source == d)?;
            let what = if f.check_id == "DC-010" { "remove the runtime socket mount" } else { "remove the sensitive host mount" };
            let caveat = if f.check_id == "DC-010" {
                "whatever used the socket (CI builds, container management) stops working: put an authorizing proxy with a narrow allow list in front of the API instead"
            } else {
                "if the process needs one file from that directory, mount only that file, read-only (`-v /etc/foo:/foo:ro`)"
            };
            let kept: Vec<String> = c.mounts.iter().filter(|x| *x != m && x.kind != "tmpfs").map(|x| mount_flag(x).trim_start_matches("-v ").to_string()).collect();
            draft(what, vec![mount_flag(m)], vec![], vec![("volumes", Y::strs(&kept))], vec![caveat])
        }
        "DC-011" => draft("leave the host network", v(&["--network host"]), v(&["--network appnet"]),
            vec![("network_mode", Y::Null), ("networks", Y::strs(&["appnet"]))],
            vec!["create the network first (`docker network create appnet`) and publish the ports the service needs with -p on 127.0.0.1 or an internal address"]),
        "DC-012" => draft("leave the host PID namespace", v(&["--pid host"]), vec![], vec![("pid", Y::Null)],
            vec!["host process monitoring (e.g. netdata's per-process charts) stops working"]),
        "DC-013" => draft("leave the host IPC namespace", v(&["--ipc host"]), v(&["--ipc private"]), vec![("ipc", Y::str("private"))], vec![]),
        "DC-014" => draft("leave the host UTS namespace", v(&["--uts host"]), vec![format!("--hostname {}", c.name)],
            vec![("uts", Y::Null), ("hostname", Y::str(&c.name))], vec![]),
        "DC-015" => draft("use the daemon's user namespace", v(&["--userns host"]), vec![], vec![("userns_mode", Y::Null)],
            vec!["with userns-remap on the daemon, files on bind mounts must be owned by the remapped UIDs"]),
        "DC-016" => {
            let dev = c.devices.iter().find(|x| x.path_on_host == d)?;
            let flag = format!("--device {}:{}:{}", dev.path_on_host, dev.path_in_container, dev.cgroup_permissions);
            let kept: Vec<String> = c.devices.iter().filter(|x| x.path_on_host != d)
                .map(|x| format!("{}:{}:{}", x.path_on_host, x.path_in_container, x.cgroup_permissions)).collect();
            draft("remove the host device", vec![flag.trim_end_matches(':').to_string()], vec![], vec![("devices", Y::strs(&kept))],
                vec!["if the device is needed, keep it with the narrowest permissions (`:r`)"])
        }
        "DC-017" => {
            let m = c.mounts.iter().find(|m| m.destination == d)?;
            let ro = if m.rw { "" } else { ",readonly" };
            let before = format!("--mount type=bind,source={},target={},bind-propagation={}{ro}", m.source, m.destination, m.propagation);
            let after = format!("--mount type=bind,source={},target={},bind-propagation=rprivate{ro}", m.source, m.destination);
            let long = Y::map(vec![("type", Y::str("bind")), ("source", Y::str(&m.source)), ("target", Y::str(&m.destination)),
                ("read_only", Y::bool(!m.rw)), ("bind", Y::map(vec![("propagation", Y::str("rprivate"))]))]);
            draft("make the mount's propagation private", vec![before], vec![after], vec![("volumes", Y::List(vec![long]))],
                vec!["mounts made inside the container (e.g. a FUSE filesystem) no longer appear on the host"])
        }
        "DC-018" => draft("make the root filesystem read-only", vec![], v(&["--read-only", "--tmpfs /tmp"]),
            vec![("read_only", Y::bool(true)), ("tmpfs", Y::strs(&["/tmp"]))],
            vec!["the app must tolerate a read-only root: every path it writes to needs a volume or tmpfs"]),
        "DC-019" => draft("limit its memory", vec![], v(&["--memory 512m"]),
            vec![("mem_limit", Y::placeholder("512m", "size from `docker stats`"))],
            vec!["512m is a placeholder: size it from `docker stats`; a limit below the peak gets the process OOM-killed"]),
        "DC-020" => draft("limit its CPU", vec![], v(&["--cpus 1.0"]),
            vec![("cpus", Y::placeholder("1.0", "size from `docker stats`"))],
            vec!["1.0 is a placeholder: size it from `docker stats`; a limit below the peak throttles the process"]),
        "DC-021" => draft("limit its process count", vec![], v(&["--pids-limit 200"]),
            vec![("pids_limit", Y::placeholder("200", "above the process's peak thread count"))],
            vec!["200 is a placeholder: JVMs and worker pools count threads, check `docker stats` PIDS at peak"]),
        "DC-022" => ports(f, c, true),
        "DC-023" => ports(f, c, false),
        "DC-024" => {
            let before = match (c.restart_policy.name.as_str(), c.restart_policy.maximum_retry_count) {
                ("on-failure", n) if n > 0 => format!("--restart on-failure:{n}"),
                (name, _) => format!("--restart {name}"),
            };
            draft("restart on failure at most 5 times", vec![before], v(&["--restart on-failure:5"]),
                vec![("restart", Y::str("on-failure:5"))],
                vec!["the container no longer restarts after a daemon or host restart unless it had failed: start it from systemd or compose if it must come back"])
        }
        "DC-025" if d == "unhealthy" => None,
        "DC-025" => draft("add a health check (template)", v(&["--no-healthcheck"]).into_iter().filter(|_| c.healthcheck.as_ref().is_some_and(|h| h.test.first().map(String::as_str) == Some("NONE"))).collect(),
            v(&["--health-cmd 'curl -fsS http://localhost:8080/healthz || exit 1'", "--health-interval 30s"]),
            vec![("healthcheck", Y::map(vec![
                ("test", Y::List(vec![Y::str("CMD-SHELL"), Y::placeholder("curl -fsS http://localhost:8080/healthz || exit 1", "the app's health endpoint")])),
                ("interval", Y::str("30s")), ("retries", Y::int(3))]))],
            vec!["the health command is a template: fill in a command the image has and an endpoint the app serves before applying"]),
        "DC-026" => draft("move it off the default bridge", v(&["--network bridge"]), v(&["--network appnet"]),
            vec![("networks", Y::strs(&["appnet"]))],
            vec!["create the network first (`docker network create appnet`) and attach the containers this one talks to"]),
        "DC-027" => draft("run as an unprivileged user", if c.user.is_empty() { vec![] } else { vec![format!("--user {}", c.user)] },
            v(&["--user 10001:10001"]), vec![("user", Y::str("10001:10001"))],
            vec!["files the process writes (volumes, data dirs) must be writable by UID 10001: `chown -R 10001:10001` them first"]),
        _ => None,
    }
}

/// security_opt entries other than `prefix*`, plus the wanted one.
fn keep_opts(c: &Container, prefix: &str, wanted: &str) -> Vec<String> {
    let mut v: Vec<String> = c
        .security_opt
        .iter()
        .filter(|o| !o.starts_with(prefix))
        .cloned()
        .collect();
    v.push(wanted.to_string());
    v
}

/// DC-002 / DC-003: remove the capability; DC-003 also drops ALL.
fn caps(f: &Finding, c: &Container) -> Option<Draft> {
    let cap = f.discriminator.as_str();
    let raw = c.cap_add.iter().find(|a| cap_name(a) == cap)?;
    let kept: Vec<String> = c
        .cap_add
        .iter()
        .filter(|a| cap_name(a) != cap)
        .cloned()
        .collect();
    let mut after = Vec::new();
    let mut compose = vec![("cap_add", Y::strs(&kept))];
    if f.check_id == "DC-003" && !c.cap_drop.iter().any(|d| cap_name(d) == "ALL") {
        after.push("--cap-drop ALL".to_string());
        compose.push(("cap_drop", Y::strs(&["ALL"])));
    }
    let caveat = format!("whatever the process did with {cap} fails after the change; move that work out of the container");
    Some(run_draft(
        f,
        c,
        &format!("remove capability {cap}"),
        (vec![format!("--cap-add {raw}")], after),
        compose,
        vec![caveat],
    ))
}

/// DC-022 (privileged host port -> 8000 + port) and DC-023 (all interfaces -> 127.0.0.1).
fn ports(f: &Finding, c: &Container, low_port: bool) -> Option<Draft> {
    let bindings: Vec<_> = c
        .port_bindings
        .iter()
        .filter(|p| p.container_port == f.discriminator)
        .collect();
    if bindings.is_empty() {
        return None;
    }
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut entries = Vec::new();
    for p in &bindings {
        before.push(port_flag(p, &p.host_ip, &p.host_port));
        let (ip, hp) = match (low_port, p.host_port_number()) {
            (true, Some(n)) if n < 1024 => (p.host_ip.clone(), (u32::from(n) + 8000).to_string()),
            (false, _) if p.on_all_interfaces() => ("127.0.0.1".to_string(), p.host_port.clone()),
            _ => (p.host_ip.clone(), p.host_port.clone()),
        };
        after.push(port_flag(p, &ip, &hp));
        entries.push(port_entry(p, &ip, &hp));
    }
    let others: Vec<String> = c
        .port_bindings
        .iter()
        .filter(|p| p.container_port != f.discriminator)
        .map(|p| port_entry(p, &p.host_ip, &p.host_port))
        .collect();
    entries.extend(others);
    let (what, caveat) = if low_port {
        (format!("publish {} on an unprivileged host port", f.discriminator),
         "clients of the well-known port need a proxy or a firewall redirect (e.g. `iptables -t nat -A PREROUTING -p tcp --dport 443 -j REDIRECT --to-port 8443`)")
    } else {
        (format!("publish {} on 127.0.0.1 only", f.discriminator),
         "remote clients can no longer connect directly: publish on the internal interface that should receive the traffic, or put a reverse proxy in front")
    };
    Some(run_draft(
        f,
        c,
        &what,
        (before, after),
        vec![("ports", Y::strs(&entries))],
        vec![caveat.to_string()],
    ))
}
