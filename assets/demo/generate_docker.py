#!/usr/bin/env python3
"""Generates the Docker half of Docket's embedded demo inventory (Lumen Health, host
`legacy-01`) in the raw formats operators export:

  docker/info.json        docker info --format '{{json .}}'
  docker/containers.json  docker inspect $(docker ps -aq)
  docker/images.json      docker image inspect $(docker image ls -q)
  docker/networks.json    docker network inspect $(docker network ls -q)
  docker/history/*.json   GET /images/{id}/history

The JSON files are the source of truth that `src/sources/demo.rs` embeds; this script
only exists so the data can be regenerated consistently after an edit. Run it from
anywhere: `python3 assets/demo/generate_docker.py`. Every secret-looking value planted
here must also be listed in tests/fixtures/canaries.txt.
"""

import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "docker")
HOST = "legacy-01"
PROJECT = "lumen"
COMPOSE_DIR = "/srv/lumen"


def h(*parts):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def img_id(name):
    return "sha256:" + h("image", name)


def digest(name):
    return "sha256:" + h("digest", name)


MB = 1024 * 1024

# ---------------------------------------------------------------- images

IMAGES = {}


def image(key, tags, created, *, user="", env=(), ports=(), volumes=(), healthcheck=None,
          labels=None, cmd=None, entrypoint=None, workdir="", pushed=True, size=100,
          repo=None, stop_signal=None):
    repo_names = repo or sorted({t.rsplit(":", 1)[0] for t in tags})
    iid = img_id(key)
    cfg = {
        "Hostname": "",
        "Domainname": "",
        "User": user,
        "AttachStdin": False,
        "AttachStdout": False,
        "AttachStderr": False,
        "ExposedPorts": {p: {} for p in ports} or None,
        "Tty": False,
        "OpenStdin": False,
        "StdinOnce": False,
        "Env": list(env),
        "Cmd": cmd,
        "Image": "",
        "Volumes": {v: {} for v in volumes} or None,
        "WorkingDir": workdir,
        "Entrypoint": entrypoint,
        "OnBuild": None,
        "Labels": labels,
    }
    if healthcheck:
        cfg["Healthcheck"] = healthcheck
    if stop_signal:
        cfg["StopSignal"] = stop_signal
    IMAGES[key] = {
        "Id": iid,
        "RepoTags": list(tags),
        "RepoDigests": [f"{r}@{digest(key)}" for r in repo_names] if pushed else [],
        "Parent": "",
        "Comment": "buildkit.dockerfile.v0",
        "Created": created,
        "DockerVersion": "",
        "Author": "",
        "Config": cfg,
        "Architecture": "amd64",
        "Os": "linux",
        "Size": size * MB,
        "GraphDriver": {
            "Data": {
                "LowerDir": f"/var/lib/docker/overlay2/{h('lower', key)[:26]}/diff",
                "MergedDir": f"/var/lib/docker/overlay2/{h('layer', key)}/merged",
                "UpperDir": f"/var/lib/docker/overlay2/{h('layer', key)}/diff",
                "WorkDir": f"/var/lib/docker/overlay2/{h('layer', key)}/work",
            },
            "Name": "overlay2",
        },
        "RootFS": {
            "Type": "layers",
            "Layers": ["sha256:" + h("layer", key, str(i)) for i in range(3)],
        },
        "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
    }
    return iid


PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REG = "registry.lumen.health"

image("postgres", ["postgres:13.4"], "2021-09-28T04:12:33.812457563Z",
      env=[PATH_ENV, "GOSU_VERSION=1.12", "LANG=en_US.utf8", "PG_MAJOR=13",
           "PG_VERSION=13.4-1.pgdg110+1", "PGDATA=/var/lib/postgresql/data"],
      ports=["5432/tcp"], volumes=["/var/lib/postgresql/data"],
      cmd=["postgres"], entrypoint=["docker-entrypoint.sh"], stop_signal="SIGINT", size=314)
image("redis", ["redis:6.2-alpine"], "2023-10-18T23:57:41.204617384Z",
      env=[PATH_ENV, "REDIS_VERSION=6.2.14",
           "REDIS_DOWNLOAD_URL=http://download.redis.io/releases/redis-6.2.14.tar.gz"],
      ports=["6379/tcp"], volumes=["/data"], workdir="/data",
      cmd=["redis-server"], entrypoint=["docker-entrypoint.sh"], size=30)
image("web", [f"{REG}/lumen/web:2.14.0"], "2026-10-20T14:02:11.441930217Z",
      user="node",
      env=[PATH_ENV, "NODE_VERSION=18.20.4", "YARN_VERSION=1.22.19", "NODE_ENV=production",
           "NEXT_TELEMETRY_DISABLED=1"],
      ports=["3000/tcp"], workdir="/app",
      healthcheck={"Test": ["CMD-SHELL", "wget -qO- http://127.0.0.1:3000/healthz || exit 1"],
                   "Interval": 30000000000, "Timeout": 5000000000, "Retries": 3},
      labels={"org.opencontainers.image.source": "https://github.com/lumen-health/web",
              "org.opencontainers.image.revision": "4be1d07",
              "org.opencontainers.image.title": "lumen-web"},
      cmd=["node", "server.js"], entrypoint=["docker-entrypoint.sh"], size=187)
# Built on the host by `docker compose build`: tagged latest, never pushed.
image("api", ["lumen-api:latest"], "2025-06-12T09:31:47.118204512Z", pushed=False,
      env=[PATH_ENV, "LANG=C.UTF-8", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
           "PYTHON_VERSION=3.9.19", "PYTHONUNBUFFERED=1",
           "API_TOKEN=canary-api-token-lumen-0001", "APP_HOME=/srv/api"],
      ports=["8000/tcp"], workdir="/srv/api",
      labels={"maintainer": "backend@lumen.health"},
      cmd=["gunicorn", "lumen.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"],
      size=512)
image("worker", [f"{REG}/lumen/worker:3.8.1"], "2026-09-30T16:44:02.903117355Z",
      user="app",
      env=[PATH_ENV, "LANG=C.UTF-8", "PYTHON_VERSION=3.11.9", "PYTHONUNBUFFERED=1"],
      workdir="/srv/worker",
      labels={"org.opencontainers.image.source": "https://github.com/lumen-health/api",
              "org.opencontainers.image.title": "lumen-worker"},
      cmd=["celery", "-A", "lumen", "worker", "--loglevel=info"], size=421)
image("nginx", ["nginx:1.21.6"], "2022-03-01T04:18:09.557301447Z",
      env=[PATH_ENV, "NGINX_VERSION=1.21.6", "NJS_VERSION=0.7.2", "PKG_RELEASE=1~bullseye"],
      ports=["80/tcp"], labels={"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
      cmd=["nginx", "-g", "daemon off;"], entrypoint=["/docker-entrypoint.sh"],
      stop_signal="SIGQUIT", size=142)
image("jenkins", ["jenkins/jenkins:2.346.3-lts-jdk11"], "2022-08-09T19:21:15.730263041Z",
      user="jenkins",
      env=[PATH_ENV.replace("PATH=", "PATH=/opt/java/openjdk/bin:"), "LANG=C.UTF-8",
           "JENKINS_HOME=/var/jenkins_home", "JENKINS_SLAVE_AGENT_PORT=50000",
           "JENKINS_VERSION=2.346.3", "JENKINS_UC=https://updates.jenkins.io",
           "COPY_REFERENCE_FILE_LOG=/var/jenkins_home/copy_reference_file.log",
           "JAVA_HOME=/opt/java/openjdk"],
      ports=["8080/tcp", "50000/tcp"], volumes=["/var/jenkins_home"],
      labels={"org.opencontainers.image.vendor": "Jenkins project",
              "org.opencontainers.image.version": "2.346.3"},
      entrypoint=["/usr/bin/tini", "--", "/usr/local/bin/jenkins.sh"], size=463)
image("netdata", ["netdata/netdata:v1.33.1"], "2022-02-14T11:07:52.102442012Z",
      env=[PATH_ENV, "NETDATA_LISTENER_PORT=19999", "DO_NOT_TRACK=1"],
      ports=["19999/tcp"], volumes=["/etc/netdata/go.d"],
      healthcheck={"Test": ["CMD-SHELL", "/usr/sbin/health.sh"], "Interval": 60000000000,
                   "Timeout": 10000000000, "Retries": 3},
      entrypoint=["/usr/sbin/run.sh"], size=377)
image("adminer", ["adminer:4.8.1"], "2021-05-14T21:45:20.334802918Z", user="adminer",
      env=[PATH_ENV, "PHP_VERSION=7.4.19", "ADMINER_VERSION=4.8.1"],
      ports=["8080/tcp"], workdir="/var/www/html",
      cmd=["php", "-S", "[::]:8080", "-t", "/var/www/html"], entrypoint=["entrypoint.sh",
                                                                          "docker-php-entrypoint"],
      size=90)
image("mailhog", ["mailhog/mailhog:latest"], "2020-08-31T07:15:06.491937166Z", user="mailhog",
      env=[PATH_ENV], ports=["1025/tcp", "8025/tcp"], workdir="/home/mailhog",
      cmd=None, entrypoint=["MailHog"], size=392)
image("minio", ["minio/minio:RELEASE.2022-10-24T18-35-07Z"], "2022-10-24T20:49:19.902334129Z",
      env=[PATH_ENV, "MINIO_ACCESS_KEY_FILE=access_key", "MINIO_SECRET_KEY_FILE=secret_key",
           "MINIO_ROOT_USER_FILE=access_key", "MINIO_ROOT_PASSWORD_FILE=secret_key",
           "MINIO_KMS_SECRET_KEY_FILE=kms_master_key", "MINIO_UPDATE=off"],
      ports=["9000/tcp"], volumes=["/data"],
      labels={"name": "MinIO", "vendor": "MinIO Inc <dev@min.io>", "release": "RELEASE.2022-10-24T18-35-07Z"},
      cmd=["minio"], entrypoint=["/usr/bin/docker-entrypoint.sh"], size=228)
# Built on the host from ops/backup/Dockerfile: never pushed, root, no HEALTHCHECK.
image("pgbackup", ["lumen-backup:latest"], "2024-02-07T22:10:54.660132895Z", pushed=False,
      env=[PATH_ENV, "PGHOST=postgres", "BACKUP_DIR=/backups", "S3FS_MOUNT=/mnt/s3"],
      volumes=["/backups", "/root"], entrypoint=["/tini", "--"],
      cmd=["/usr/local/bin/nightly-backup.sh"], size=268)
image("sftp", ["atmoz/sftp:alpine"], "2023-05-02T08:40:11.287659221Z",
      env=[PATH_ENV], ports=["22/tcp"],
      entrypoint=["/entrypoint"], size=19)
image("reminders", [f"{REG}/lumen/appointment-reminders:1.6.2"], "2026-10-27T10:12:44.018876543Z",
      user="10001:10001",
      env=[PATH_ENV, "LANG=C.UTF-8"],
      ports=["8090/tcp"], workdir="/app",
      healthcheck={"Test": ["CMD", "/app/reminders", "healthcheck"], "Interval": 15000000000,
                   "Timeout": 3000000000, "StartPeriod": 10000000000, "Retries": 3},
      labels={"org.opencontainers.image.source": "https://github.com/lumen-health/reminders",
              "org.opencontainers.image.revision": "9f2c41a",
              "org.opencontainers.image.title": "appointment-reminders"},
      entrypoint=["/app/reminders"], cmd=["serve"], size=24)

# ---------------------------------------------------------------- networks

NETWORKS = {
    "bridge": {"Id": h("network", "bridge"), "Driver": "bridge", "Subnet": "172.17.0.0/16",
               "Gateway": "172.17.0.1"},
    "host": {"Id": h("network", "host"), "Driver": "host"},
    "none": {"Id": h("network", "none"), "Driver": "null"},
    "lumen_backend": {"Id": h("network", "lumen_backend"), "Driver": "bridge",
                      "Subnet": "172.20.0.0/16", "Gateway": "172.20.0.1"},
}
NEXT_IP = {"bridge": 2, "lumen_backend": 2}

# ---------------------------------------------------------------- containers

CONTAINERS = []


def compose_labels(service, number=1, oneoff=False, depends=None, image_key=None):
    labels = {
        "com.docker.compose.config-hash": h("config", service),
        "com.docker.compose.container-number": str(number),
        "com.docker.compose.depends_on": depends or "",
        "com.docker.compose.image": IMAGES[image_key]["Id"] if image_key else "",
        "com.docker.compose.oneoff": "True" if oneoff else "False",
        "com.docker.compose.project": PROJECT,
        "com.docker.compose.project.config_files": f"{COMPOSE_DIR}/docker-compose.yml",
        "com.docker.compose.project.working_dir": COMPOSE_DIR,
        "com.docker.compose.service": service,
        "com.docker.compose.version": "2.21.0",
    }
    return labels


def mount(kind, source, dest, rw=True, propagation=None, name=None):
    m = {"Type": kind}
    if kind == "volume":
        m["Name"] = name or source
        m["Source"] = f"/var/lib/docker/volumes/{name or source}/_data"
        m["Driver"] = "local"
    else:
        m["Source"] = source
    m["Destination"] = dest
    m["Mode"] = "" if kind == "volume" else ("rw" if rw else "ro")
    m["RW"] = rw
    m["Propagation"] = "" if kind in ("volume", "tmpfs") else (propagation or "rprivate")
    return m


def container(name, image_key, *, image_ref=None, created, started=None, status="running",
              exit_code=0, health=None, path=None, args=(), user=None, env=(), labels=None,
              privileged=False, cap_add=None, cap_drop=None, security_opt=None,
              apparmor="docker-default", network_mode=None, networks=("lumen_backend",),
              pid="", ipc="private", uts="", userns="", devices=(), readonly=False,
              memory=0, nano_cpus=0, cpu_shares=0, cpu_quota=0, pids_limit=None,
              restart=("no", 0), ports=None, mounts=(), binds=None, healthcheck=None,
              hostname=None, tmpfs=None, aliases=None, finished=None):
    img = IMAGES[image_key]
    cid = h("container", name)
    service = (labels or {}).get("com.docker.compose.service")
    icfg = img["Config"]
    running = status == "running"
    state = {
        "Status": status,
        "Running": running,
        "Paused": False,
        "Restarting": False,
        "OOMKilled": False,
        "Dead": False,
        "Pid": (int(h("pid", name)[:6], 16) % 60000 + 1000) if running else 0,
        "ExitCode": exit_code,
        "Error": "",
        "StartedAt": started or ("0001-01-01T00:00:00Z" if status == "created" else created),
        "FinishedAt": finished or "0001-01-01T00:00:00Z",
    }
    if health:
        state["Health"] = {
            "Status": health,
            "FailingStreak": 0 if health == "healthy" else 412,
            "Log": [
                {
                    "Start": "2026-11-01T08:59:31.402233187Z",
                    "End": "2026-11-01T08:59:31.511943044Z",
                    "ExitCode": 0 if health == "healthy" else 1,
                    "Output": "" if health == "healthy" else
                    "/bin/sh: 1: curl: not found\n",
                }
            ],
        }
    pb = {}
    for (cport, hip, hport) in ports or []:
        pb.setdefault(cport, []).append({"HostIp": hip, "HostPort": hport})
    mode = network_mode or (f"{PROJECT}_backend" if networks == ("lumen_backend",) else "bridge")
    nets = {}
    if mode == "host":
        nets["host"] = {"IPAMConfig": None, "Links": None, "Aliases": None,
                        "NetworkID": NETWORKS["host"]["Id"], "EndpointID": "",
                        "Gateway": "", "IPAddress": "", "IPPrefixLen": 0,
                        "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
                        "MacAddress": "", "DriverOpts": None}
    else:
        for n in networks:
            net = NETWORKS[n]
            ip = ""
            if running:
                ip = net["Subnet"].rsplit(".", 2)[0] + f".0.{NEXT_IP[n]}"
                NEXT_IP[n] += 1
                net.setdefault("members", []).append((name, cid, ip))
            nets[n] = {
                "IPAMConfig": None if n == "bridge" else {},
                "Links": None,
                "Aliases": None if n == "bridge" else (aliases or [f"{name}", service or name, cid[:12]]),
                "NetworkID": net["Id"],
                "EndpointID": h("endpoint", name, n) if running else "",
                "Gateway": net["Gateway"] if running else "",
                "IPAddress": ip,
                "IPPrefixLen": 16 if running else 0,
                "IPv6Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "MacAddress": ("02:42:ac:%02x:00:%02x" % (17 if n == "bridge" else 20,
                                                          int(ip.rsplit('.', 1)[1])))
                if running else "",
                "DriverOpts": None,
            }
    cfg_env = list(icfg["Env"])
    for e in env:
        k = e.split("=", 1)[0]
        cfg_env = [x for x in cfg_env if x.split("=", 1)[0] != k]
        cfg_env.append(e)
    all_labels = dict(icfg["Labels"] or {})
    all_labels.update(labels or {})
    entry = icfg["Entrypoint"] or []
    cmd = list(args) if args else (icfg["Cmd"] or [])
    full = entry + cmd
    cpath = path or (full[0] if full else "")
    cargs = list(args) if path else full[1:]
    c = {
        "Id": cid,
        "Created": created,
        "Path": cpath,
        "Args": cargs,
        "State": state,
        "Image": img["Id"],
        "ResolvConfPath": f"/var/lib/docker/containers/{cid}/resolv.conf",
        "HostnamePath": f"/var/lib/docker/containers/{cid}/hostname",
        "HostsPath": f"/var/lib/docker/containers/{cid}/hosts",
        "LogPath": f"/var/lib/docker/containers/{cid}/{cid}-json.log",
        "Name": "/" + name,
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": apparmor,
        "ExecIDs": None,
        "HostConfig": {
            "Binds": binds,
            "ContainerIDFile": "",
            "LogConfig": {"Type": "json-file", "Config": {}},
            "NetworkMode": mode,
            "PortBindings": pb,
            "RestartPolicy": {"Name": restart[0], "MaximumRetryCount": restart[1]},
            "AutoRemove": False,
            "VolumeDriver": "",
            "VolumesFrom": None,
            "ConsoleSize": [0, 0],
            "CapAdd": cap_add,
            "CapDrop": cap_drop,
            "CgroupnsMode": "host",
            "Dns": [],
            "DnsOptions": [],
            "DnsSearch": [],
            "ExtraHosts": [],
            "GroupAdd": None,
            "IpcMode": ipc,
            "Cgroup": "",
            "Links": None,
            "OomScoreAdj": 0,
            "PidMode": pid,
            "Privileged": privileged,
            "PublishAllPorts": False,
            "ReadonlyRootfs": readonly,
            "SecurityOpt": security_opt,
            "Tmpfs": tmpfs,
            "UTSMode": uts,
            "UsernsMode": userns,
            "ShmSize": 67108864,
            "Runtime": "runc",
            "Isolation": "",
            "CpuShares": cpu_shares,
            "Memory": memory,
            "NanoCpus": nano_cpus,
            "CgroupParent": "",
            "BlkioWeight": 0,
            "BlkioWeightDevice": None,
            "BlkioDeviceReadBps": None,
            "BlkioDeviceWriteBps": None,
            "BlkioDeviceReadIOps": None,
            "BlkioDeviceWriteIOps": None,
            "CpuPeriod": 0,
            "CpuQuota": cpu_quota,
            "CpuRealtimePeriod": 0,
            "CpuRealtimeRuntime": 0,
            "CpusetCpus": "",
            "CpusetMems": "",
            "Devices": [
                {"PathOnHost": d[0], "PathInContainer": d[1], "CgroupPermissions": d[2]}
                for d in devices
            ] or None,
            "DeviceCgroupRules": None,
            "DeviceRequests": None,
            "MemoryReservation": 0,
            "MemorySwap": memory * 2 if memory else 0,
            "MemorySwappiness": None,
            "OomKillDisable": None,
            "PidsLimit": pids_limit,
            "Ulimits": None,
            "CpuCount": 0,
            "CpuPercent": 0,
            "IOMaximumIOps": 0,
            "IOMaximumBandwidth": 0,
            "MaskedPaths": None if privileged else [
                "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
            "ReadonlyPaths": None if privileged else [
                "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
        },
        "GraphDriver": {
            "Data": {
                "LowerDir": f"/var/lib/docker/overlay2/{h('init', name)}-init/diff",
                "MergedDir": f"/var/lib/docker/overlay2/{h('init', name)}/merged",
                "UpperDir": f"/var/lib/docker/overlay2/{h('init', name)}/diff",
                "WorkDir": f"/var/lib/docker/overlay2/{h('init', name)}/work",
            },
            "Name": "overlay2",
        },
        "Mounts": list(mounts),
        "Config": {
            "Hostname": hostname or cid[:12],
            "Domainname": "",
            "User": user if user is not None else icfg["User"],
            "AttachStdin": False,
            "AttachStdout": True,
            "AttachStderr": True,
            "ExposedPorts": dict(icfg["ExposedPorts"] or {}) or None,
            "Tty": False,
            "OpenStdin": False,
            "StdinOnce": False,
            "Env": cfg_env,
            "Cmd": cmd or None,
            "Image": image_ref or img["RepoTags"][0],
            "Volumes": icfg["Volumes"],
            "WorkingDir": icfg["WorkingDir"],
            "Entrypoint": icfg["Entrypoint"],
            "OnBuild": None,
            "Labels": all_labels,
        },
        "NetworkSettings": {
            "Bridge": "",
            "SandboxID": h("sandbox", name) if running else "",
            "HairpinMode": False,
            "LinkLocalIPv6Address": "",
            "LinkLocalIPv6PrefixLen": 0,
            "Ports": {p: ([{"HostIp": b["HostIp"] or "0.0.0.0", "HostPort": b["HostPort"]}
                           for b in pb.get(p, [])] or None)
                      for p in sorted(set(list(icfg["ExposedPorts"] or {}) + list(pb)))}
            if running and mode != "host" else {},
            "SandboxKey": f"/var/run/docker/netns/{h('netns', name)[:12]}" if running else "",
            "SecondaryIPAddresses": None,
            "SecondaryIPv6Addresses": None,
            "EndpointID": "",
            "Gateway": "",
            "GlobalIPv6Address": "",
            "GlobalIPv6PrefixLen": 0,
            "IPAddress": "",
            "IPPrefixLen": 0,
            "IPv6Gateway": "",
            "MacAddress": "",
            "Networks": nets,
        },
    }
    if healthcheck is not None:
        c["Config"]["Healthcheck"] = healthcheck
    elif "Healthcheck" in icfg:
        c["Config"]["Healthcheck"] = icfg["Healthcheck"]
    if "StopSignal" in icfg:
        c["Config"]["StopSignal"] = icfg["StopSignal"]
    CONTAINERS.append(c)
    return c


def dpia(classification, owner, **extra):
    d = {"docket.io/data-classification": classification, "docket.io/owner": owner}
    d.update(extra)
    return d


def L(service, image_key, classification, owner, depends="", **extra):
    labels = compose_labels(service, depends=depends, image_key=image_key)
    labels.update(dpia(classification, owner, **extra))
    return labels


UP = "2026-10-14T06:12:40.118322913Z"      # last `docker compose up -d`
STARTED = "2026-10-14T06:12:43.502115871Z"

container(
    "lumen-postgres-1", "postgres", created=UP, started=STARTED,
    env=["POSTGRES_USER=lumen", "POSTGRES_DB=patients",
         "POSTGRES_PASSWORD=canary-db-pass-lumen"],
    labels=L("postgres", "postgres", "special-category", "data-platform@lumen.health",
             **{"docket.io/purpose": "patient records: demographics, consultations, notes",
                "docket.io/retention": "10y"}),
    restart=("unless-stopped", 0), hostname="postgres",
    ports=[("5432/tcp", "127.0.0.1", "5432")],
    mounts=[mount("volume", "lumen_pgdata", "/var/lib/postgresql/data", name="lumen_pgdata")],
    binds=None)

container(
    "lumen-redis-1", "redis", created=UP, started=STARTED,
    args=["redis-server", "--appendonly", "yes", "--maxmemory", "256mb"],
    labels=L("redis", "redis", "personal", "backend@lumen.health",
             **{"docket.io/purpose": "web sessions and booking locks"}),
    restart=("always", 0), memory=512 * MB,
    mounts=[mount("volume", "lumen_redisdata", "/data", name="lumen_redisdata")])

container(
    "lumen-api-1", "api", created=UP, started=STARTED,
    env=["DJANGO_SETTINGS_MODULE=lumen.settings.production",
         "DATABASE_URL=postgres://lumen:Canary-Pa55w0rd-Lumen@postgres:5432/patients",
         "DB_PASSWORD=canary-db-pass-lumen",
         "REDIS_URL=redis://redis:6379/0",
         "AWS_ACCESS_KEY_ID=AKIALUMENCANARY00001",
         "AWS_DEFAULT_REGION=eu-west-1",
         "DOCUMENTS_BUCKET=lumen-documents",
         "S3_ENDPOINT_URL=http://minio:9000",
         "ALLOWED_HOSTS=api.lumen.health,legacy-01.lumen.internal"],
    labels=L("api", "api", "special-category", "backend@lumen.health",
             depends="postgres:service_started:false,redis:service_started:false",
             **{"docket.io/purpose": "booking, consultations and prescriptions API"}),
    restart=("always", 0),
    mounts=[mount("bind", "/srv/lumen/media", "/srv/api/media")],
    binds=["/srv/lumen/media:/srv/api/media:rw"])

container(
    "lumen-worker-1", "worker", created=UP, started=STARTED,
    args=["celery", "-A", "lumen", "worker", "--loglevel=info", "--concurrency=2"],
    env=["DJANGO_SETTINGS_MODULE=lumen.settings.production",
         "REDIS_URL=redis://redis:6379/0",
         "SLACK_BOT_TOKEN=xoxb-2742197735-4851190437-canaryLumenDemoSlackBot",
         "SLACK_CHANNEL=#ops-alerts"],
    labels=L("worker", "worker", "personal", "backend@lumen.health",
             depends="redis:service_started:false",
             **{"docket.io/purpose": "reminder e-mails, invoice PDFs"}),
    restart=("always", 0), cpu_shares=512)

container(
    "lumen-web-1", "web", created=UP, started=STARTED, health="healthy",
    env=["API_URL=http://api:8000", "PORT=3000"],
    labels=L("web", "web", "personal", "frontend@lumen.health",
             depends="api:service_started:false"),
    restart=("unless-stopped", 0), memory=512 * MB, nano_cpus=1_000_000_000,
    ports=[("3000/tcp", "127.0.0.1", "3000")])

container(
    "lumen-nginx-1", "nginx", created=UP, started=STARTED,
    labels=L("nginx", "nginx", "public", "platform@lumen.health",
             depends="web:service_started:false,api:service_started:false"),
    restart=("always", 0),
    ports=[("80/tcp", "0.0.0.0", "80"), ("443/tcp", "0.0.0.0", "443")],
    mounts=[mount("bind", "/srv/lumen/nginx/conf.d", "/etc/nginx/conf.d", rw=False),
            mount("bind", "/etc/letsencrypt", "/etc/letsencrypt", rw=False)],
    binds=["/srv/lumen/nginx/conf.d:/etc/nginx/conf.d:ro", "/etc/letsencrypt:/etc/letsencrypt:ro"])

# Started by hand (`docker run`) years ago: no compose labels, default bridge.
container(
    "jenkins", "jenkins", created="2023-03-02T15:40:12.771204330Z",
    started="2026-10-14T06:10:02.119928411Z", user="root",
    env=["GITHUB_TOKEN=ghp_canaryLumenDemoToken0000111122223333",
         "JAVA_OPTS=-Djenkins.install.runSetupWizard=false -Xmx1g",
         "CASC_JENKINS_CONFIG=/var/jenkins_home/casc.yaml"],
    labels=dpia("internal", "platform@lumen.health"),
    networks=("bridge",), network_mode="default",
    restart=("unless-stopped", 0),
    ports=[("8080/tcp", "", "8081"), ("50000/tcp", "", "50000")],
    mounts=[mount("volume", "jenkins_home", "/var/jenkins_home", name="jenkins_home"),
            mount("bind", "/var/run/docker.sock", "/var/run/docker.sock"),
            mount("bind", "/usr/bin/docker", "/usr/bin/docker", rw=False)],
    binds=["jenkins_home:/var/jenkins_home", "/var/run/docker.sock:/var/run/docker.sock",
           "/usr/bin/docker:/usr/bin/docker:ro"])

# The monitoring agent: created with the vendor's copy-paste flags, never started
# (the host's AppArmor setup refused it); still there, still privileged.
container(
    "netdata", "netdata", created="2026-10-22T13:05:44.903321876Z", status="created",
    labels=dpia("internal", "platform@lumen.health"),
    privileged=True, cap_add=["SYS_PTRACE", "SYS_ADMIN"],
    security_opt=["apparmor=unconfined"], apparmor="unconfined",
    network_mode="host", networks=(), pid="host", ipc="host", uts="host", userns="host",
    restart=("unless-stopped", 0), hostname=HOST,
    mounts=[mount("bind", "/proc", "/host/proc", rw=False),
            mount("bind", "/sys", "/host/sys", rw=False),
            mount("bind", "/etc/passwd", "/host/etc/passwd", rw=False),
            mount("bind", "/etc/os-release", "/host/etc/os-release", rw=False),
            mount("bind", "/var/run/docker.sock", "/var/run/docker.sock", rw=False),
            mount("volume", "netdatalib", "/var/lib/netdata", name="netdatalib")],
    binds=["netdatalib:/var/lib/netdata", "/etc/passwd:/host/etc/passwd:ro",
           "/etc/os-release:/host/etc/os-release:ro", "/proc:/host/proc:ro",
           "/sys:/host/sys:ro", "/var/run/docker.sock:/var/run/docker.sock:ro"])

container(
    "lumen-adminer-1", "adminer", created=UP, started=STARTED,
    env=["ADMINER_DEFAULT_SERVER=postgres", "ADMINER_DESIGN=pepa-linha"],
    labels=L("adminer", "adminer", "special-category", "data-platform@lumen.health",
             depends="postgres:service_started:false",
             **{"docket.io/purpose": "legacy DB admin UI (to be removed)"}),
    restart=("always", 0),
    ports=[("8080/tcp", "0.0.0.0", "8080")])

# A developer's `docker run -d -p 8025:8025 -p 1025:1025 mailhog/mailhog`.
container(
    "mailhog", "mailhog", created="2025-11-19T10:22:31.550192775Z",
    started="2026-10-14T06:10:03.004418262Z",
    labels=dpia("personal", "backend@lumen.health",
                **{"docket.io/purpose": "catches outgoing e-mail in staging (holds patient e-mail copies)"}),
    networks=("bridge",), network_mode="default",
    ports=[("8025/tcp", "", "8025"), ("1025/tcp", "", "1025")])

container(
    "lumen-minio-1", "minio", created=UP, started=STARTED, health="unhealthy",
    args=["server", "/data", "--console-address", ":9001"],
    env=["MINIO_ROOT_USER=lumen-admin", "MINIO_ROOT_PASSWORD=canary-minio-root-lumen",
         "MINIO_BROWSER_REDIRECT_URL=https://files.lumen.health"],
    labels=L("minio", "minio", "special-category", "data-platform@lumen.health",
             **{"docket.io/purpose": "uploaded documents: referrals, lab results, ID scans"}),
    restart=("always", 0),
    healthcheck={"Test": ["CMD", "curl", "-f", "http://localhost:9000/minio/health/live"],
                 "Interval": 30000000000, "Timeout": 20000000000, "Retries": 3},
    ports=[("9000/tcp", "127.0.0.1", "9000"), ("9001/tcp", "0.0.0.0", "9001")],
    mounts=[mount("bind", "/srv/minio/data", "/data")],
    binds=["/srv/minio/data:/data:rw"])

# `docker compose run backup`, last night's run: exited 0.
bl = L("backup", "pgbackup", "special-category", "data-platform@lumen.health",
       depends="postgres:service_started:false",
       **{"docket.io/purpose": "nightly pg_dump + /etc snapshot to offsite bucket"})
bl["com.docker.compose.oneoff"] = "True"
bl["com.docker.compose.slug"] = h("slug", "backup")[:64]
container(
    "lumen-backup-run-3f9a1c2d7e64", "pgbackup", created="2026-11-01T02:00:01.220951113Z",
    started="2026-11-01T02:00:01.781552402Z", finished="2026-11-01T02:07:48.005112379Z",
    status="exited", exit_code=0,
    args=["/usr/local/bin/nightly-backup.sh", "--target", "s3://lumen-offsite-backups/legacy-01",
          "--dsn", "postgres://lumen:Canary-Pa55w0rd-Lumen@postgres:5432/patients"],
    env=["PGUSER=lumen", "S3_BUCKET=lumen-offsite-backups", "RETENTION_DAYS=35"],
    labels=bl, cap_add=["SYS_ADMIN"], security_opt=["apparmor=unconfined", "seccomp=unconfined"],
    apparmor="unconfined", devices=[("/dev/fuse", "/dev/fuse", "rwm")],
    restart=("no", 0),
    mounts=[mount("bind", "/etc", "/host/etc"),
            mount("bind", "/srv/backups", "/backups"),
            mount("bind", "/mnt/offsite", "/mnt/s3", propagation="rshared")],
    binds=["/etc:/host/etc:rw", "/srv/backups:/backups", "/mnt/offsite:/mnt/s3:rshared"])

container(
    "lumen-labdrop-1", "sftp", created=UP, started=STARTED,
    labels=L("labdrop", "sftp", "special-category", "clinical-ops@lumen.health",
             **{"docket.io/purpose": "SFTP drop for partner laboratory results"}),
    restart=("on-failure", 10),
    ports=[("22/tcp", "0.0.0.0", "2222")],
    mounts=[mount("bind", "/srv/lumen/sftp/users.conf", "/etc/sftp/users.conf", rw=False),
            mount("bind", "/srv/lumen/labresults", "/home/labpartner/upload")],
    binds=["/srv/lumen/sftp/users.conf:/etc/sftp/users.conf:ro",
           "/srv/lumen/labresults:/home/labpartner/upload"])

# The one the platform team hardened: the target for the others.
rem = f"{REG}/lumen/appointment-reminders:1.6.2@{digest('reminders')}"
container(
    "lumen-reminders-1", "reminders", image_ref=rem, created=UP, started=STARTED,
    health="healthy", user="10001:10001",
    env=["SMTP_HOST=smtp.eu.mailgun.org", "SMTP_PORT=587",
         "DB_PASSWORD_FILE=/run/secrets/db_password", "TZ=Europe/Berlin"],
    labels=L("reminders", "reminders", "personal", "backend@lumen.health",
             depends="postgres:service_started:false",
             **{"docket.io/purpose": "appointment reminder e-mails"}),
    cap_drop=["ALL"], security_opt=["no-new-privileges:true"], readonly=True,
    memory=256 * MB, nano_cpus=500_000_000, cpu_shares=512, pids_limit=100,
    restart=("on-failure", 3),
    ports=[("8090/tcp", "127.0.0.1", "8090")],
    tmpfs={"/tmp": "rw,noexec,nosuid,size=16m"},
    mounts=[mount("tmpfs", "", "/tmp"),
            mount("bind", "/srv/lumen/secrets/db_password", "/run/secrets/db_password", rw=False)],
    binds=["/srv/lumen/secrets/db_password:/run/secrets/db_password:ro"])

# ---------------------------------------------------------------- history

HISTORY = {}


def history(key, lines):
    """lines: newest first, (created_unix, created_by, size_mb)."""
    img = IMAGES[key]
    out = []
    for i, (created, created_by, size) in enumerate(lines):
        out.append({
            "Comment": "buildkit.dockerfile.v0" if "# buildkit" in created_by else "",
            "Created": created,
            "CreatedBy": created_by,
            "Id": img["Id"] if i == 0 else "<missing>",
            "Size": int(size * MB),
            "Tags": img["RepoTags"] if i == 0 else None,
        })
    HISTORY[key] = out


BASE_DEBIAN = (1623110400, "/bin/sh -c #(nop) ADD file:1fd4a1e9c7cd2ec3ed8ba9f2d11a1a4ed4e0c3ffcd8db7b5c9a7c0a52e1b3a99 in / ", 69.3)
BASE_CMD = (1623110400, "/bin/sh -c #(nop)  CMD [\"bash\"]", 0)

history("api", [
    (1749720707, "CMD [\"gunicorn\" \"lumen.wsgi:application\" \"--bind\" \"0.0.0.0:8000\" \"--workers\" \"4\"]", 0),
    (1749720707, "EXPOSE map[8000/tcp:{}]", 0),
    (1749720705, "RUN /bin/sh -c python manage.py collectstatic --noinput # buildkit", 18.2),
    (1749720690, "RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt # buildkit", 211.4),
    (1749720630, "ADD lumen-api-3.8.1.tar.gz /srv/api/ # buildkit", 9.7),
    (1749720628, "WORKDIR /srv/api", 0),
    (1749720628, "ENV APP_HOME=/srv/api", 0),
    (1749720628, "ENV API_TOKEN=canary-api-token-lumen-0001", 0),
    (1749720627, "RUN /bin/sh -c apt-get install -y --no-install-recommends libpq5 gettext # buildkit", 24.9),
    (1749720601, "RUN /bin/sh -c apt-get update # buildkit", 19.3),
    (1749720600, "LABEL maintainer=backend@lumen.health", 0),
    (1717718400, "/bin/sh -c #(nop)  CMD [\"python3\"]", 0),
    (1717718400, "/bin/sh -c set -eux; wget -O python.tar.xz \"https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz\"; ./configure --enable-optimizations; make -j \"$(nproc)\"; make install", 41.6),
    (1717718400, "/bin/sh -c #(nop)  ENV PYTHON_VERSION=3.9.19", 0),
    (1717718400, "/bin/sh -c #(nop)  ENV LANG=C.UTF-8", 0),
    BASE_CMD, BASE_DEBIAN,
])

history("pgbackup", [
    (1707343854, "CMD [\"/usr/local/bin/nightly-backup.sh\"]", 0),
    (1707343854, "ENTRYPOINT [\"/tini\" \"--\"]", 0),
    (1707343854, "VOLUME [/backups /root]", 0),
    (1707343853, "RUN /bin/sh -c chmod +x /tini /usr/local/bin/nightly-backup.sh # buildkit", 0.02),
    (1707343852, "COPY nightly-backup.sh /usr/local/bin/ # buildkit", 0.01),
    (1707343851, "ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini # buildkit", 0.02),
    (1707343850, "RUN /bin/sh -c sudo -u postgres mkdir -p /backups && sudo chown postgres /backups # buildkit", 0.0),
    (1707343812, "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends postgresql-client-13 s3fs openssh-client rsync sudo && rm -rf /var/lib/apt/lists/* # buildkit", 96.1),
    (1707343800, "ENV PGHOST=postgres BACKUP_DIR=/backups S3FS_MOUNT=/mnt/s3", 0),
    BASE_CMD, BASE_DEBIAN,
])

history("nginx", [
    (1646108289, "/bin/sh -c #(nop)  CMD [\"nginx\" \"-g\" \"daemon off;\"]", 0),
    (1646108289, "/bin/sh -c #(nop)  STOPSIGNAL SIGQUIT", 0),
    (1646108289, "/bin/sh -c #(nop)  EXPOSE 80", 0),
    (1646108288, "/bin/sh -c #(nop)  ENTRYPOINT [\"/docker-entrypoint.sh\"]", 0),
    (1646108288, "/bin/sh -c #(nop) COPY file:09a214a3e07c919af2fb2d7c749ccbc446b8c10eb217366e5a65640ee9edcc25 in /docker-entrypoint.d ", 0.005),
    (1646108287, "/bin/sh -c #(nop) COPY file:65504f71f5855ca017fb64d502ce873a31b2e0decd75297a8fb0a287f97acf92 in / ", 0.001),
    (1646108287, "/bin/sh -c set -x && addgroup --system --gid 101 nginx && adduser --system --disabled-login --ingroup nginx --no-create-home --home /nonexistent --gecos \"nginx user\" --shell /bin/false --uid 101 nginx && apt-get update && apt-get install --no-install-recommends --no-install-suggests -y gnupg1 ca-certificates && apt-get install --no-install-recommends --no-install-suggests -y nginx=${NGINX_VERSION}-${PKG_RELEASE} && rm -rf /var/lib/apt/lists/*", 61.1),
    (1646108270, "/bin/sh -c #(nop)  ENV PKG_RELEASE=1~bullseye", 0),
    (1646108270, "/bin/sh -c #(nop)  ENV NJS_VERSION=0.7.2", 0),
    (1646108270, "/bin/sh -c #(nop)  ENV NGINX_VERSION=1.21.6", 0),
    (1646108270, "/bin/sh -c #(nop)  LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>", 0),
    (1646006400, "/bin/sh -c #(nop)  CMD [\"bash\"]", 0),
    (1646006400, "/bin/sh -c #(nop) ADD file:d8e3d45e1b4a2bfd8bc23bc7b6d1a4e03ef5b0c1a2d3e4f5a6b7c8d9e0f1a2b3 in / ", 80.4),
])

history("reminders", [
    (1761559964, "CMD [\"serve\"]", 0),
    (1761559964, "ENTRYPOINT [\"/app/reminders\"]", 0),
    (1761559964, "HEALTHCHECK &{[\"CMD\" \"/app/reminders\" \"healthcheck\"] \"15s\" \"3s\" \"10s\" \"0s\" '\\x03'}", 0),
    (1761559964, "EXPOSE map[8090/tcp:{}]", 0),
    (1761559964, "USER 10001:10001", 0),
    (1761559963, "COPY /out/reminders /app/reminders # buildkit", 14.2),
    (1761559960, "WORKDIR /app", 0),
    (1761559960, "LABEL org.opencontainers.image.title=appointment-reminders", 0),
    (1760000000, "COPY /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ # buildkit", 0.2),
    (1760000000, "COPY / / # buildkit", 2.1),
])

history("worker", [
    (1759250642, "CMD [\"celery\" \"-A\" \"lumen\" \"worker\" \"--loglevel=info\"]", 0),
    (1759250642, "USER app", 0),
    (1759250641, "COPY --chown=app:app . /srv/worker # buildkit", 6.3),
    (1759250620, "RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt # buildkit", 201.0),
    (1759250600, "RUN /bin/sh -c groupadd -r app && useradd -r -g app app # buildkit", 0.01),
    (1759250599, "WORKDIR /srv/worker", 0),
    (1759250599, "RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/* # buildkit", 12.5),
    (1759190400, "CMD [\"python3\"]", 0),
    (1759190400, "ENV PYTHON_VERSION=3.11.9", 0),
    (1759190400, "/bin/sh -c #(nop) ADD file:5d68d27cc15a80653c93d3a0b262a28112d47a46326ff5fc2dfbf7fa3b9a0ce8 in / ", 74.8),
])

history("sftp", [
    (1683016811, "ENTRYPOINT [\"/entrypoint\"]", 0),
    (1683016811, "EXPOSE map[22/tcp:{}]", 0),
    (1683016811, "COPY files/entrypoint / # buildkit", 0.004),
    (1683016810, "COPY files/sshd_config /etc/ssh/sshd_config # buildkit", 0.004),
    (1683016809, "RUN /bin/sh -c echo \"@community http://dl-cdn.alpinelinux.org/alpine/edge/community\" >> /etc/apk/repositories && apk add --no-cache bash shadow@community openssh openssh-sftp-server && mkdir -p /var/run/sshd && rm -f /etc/ssh/ssh_host_*key* # buildkit", 8.7),
    (1680000000, "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]", 0),
    (1680000000, "/bin/sh -c #(nop) ADD file:9a4f77dfaba7fd2aa78186e4ef0e7486ad55101cefc1fabbc1b385601bb38920 in / ", 7.3),
])

# ---------------------------------------------------------------- networks.json


def network_json(name):
    n = NETWORKS[name]
    members = {}
    for (cname, cid, ip) in n.get("members", []):
        members[cid] = {
            "Name": cname,
            "EndpointID": h("endpoint", cname, name),
            "MacAddress": "02:42:ac:%02x:00:%02x" % (17 if name == "bridge" else 20, int(ip.rsplit('.', 1)[1])),
            "IPv4Address": ip + "/16",
            "IPv6Address": "",
        }
    ipam_cfg = [{"Subnet": n["Subnet"], "Gateway": n["Gateway"]}] if "Subnet" in n else []
    d = {
        "Name": name,
        "Id": n["Id"],
        "Created": "2023-03-02T15:31:08.448192017Z" if name in ("bridge", "host", "none")
        else "2023-03-02T15:52:40.902113774Z",
        "Scope": "local",
        "Driver": n["Driver"],
        "EnableIPv6": False,
        "IPAM": {"Driver": "default", "Options": None if name != "bridge" else {},
                 "Config": ipam_cfg},
        "Internal": False,
        "Attachable": False,
        "Ingress": False,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": members,
        "Options": {},
        "Labels": {},
    }
    if name == "bridge":
        d["Options"] = {
            "com.docker.network.bridge.default_bridge": "true",
            "com.docker.network.bridge.enable_icc": "true",
            "com.docker.network.bridge.enable_ip_masquerade": "true",
            "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
            "com.docker.network.bridge.name": "docker0",
            "com.docker.network.driver.mtu": "1500",
        }
    elif name == "lumen_backend":
        d["Labels"] = {
            "com.docker.compose.network": "backend",
            "com.docker.compose.project": PROJECT,
            "com.docker.compose.version": "2.21.0",
        }
    return d


# ---------------------------------------------------------------- info.json

INFO = {
    "ID": "5b3c6e0a-9d1f-4e2b-8c7a-1f0e9d8c7b6a",
    "Containers": len(CONTAINERS),
    "ContainersRunning": sum(1 for c in CONTAINERS if c["State"]["Running"]),
    "ContainersPaused": 0,
    "ContainersStopped": sum(1 for c in CONTAINERS if not c["State"]["Running"]),
    "Images": len(IMAGES) + 3,
    "Driver": "overlay2",
    "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"],
                     ["Using metacopy", "false"], ["Native Overlay Diff", "true"],
                     ["userxattr", "false"]],
    "Plugins": {
        "Volume": ["local"],
        "Network": ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"],
        "Authorization": None,
        "Log": ["awslogs", "fluentd", "gcplogs", "gelf", "journald", "json-file", "local",
                "logentries", "splunk", "syslog"],
    },
    "MemoryLimit": True,
    "SwapLimit": False,
    "KernelMemoryTCP": True,
    "CpuCfsPeriod": True,
    "CpuCfsQuota": True,
    "CPUShares": True,
    "CPUSet": True,
    "PidsLimit": True,
    "IPv4Forwarding": True,
    "BridgeNfIptables": True,
    "BridgeNfIp6tables": True,
    "Debug": False,
    "NFd": 112,
    "OomKillDisable": True,
    "NGoroutines": 143,
    "SystemTime": "2026-11-01T09:00:00.412776104Z",
    "LoggingDriver": "json-file",
    "CgroupDriver": "cgroupfs",
    "CgroupVersion": "1",
    "NEventsListener": 0,
    "KernelVersion": "5.4.0-169-generic",
    "OperatingSystem": "Ubuntu 20.04.6 LTS",
    "OSVersion": "20.04",
    "OSType": "linux",
    "Architecture": "x86_64",
    "IndexServerAddress": "https://index.docker.io/v1/",
    "RegistryConfig": {
        "AllowNondistributableArtifactsCIDRs": None,
        "AllowNondistributableArtifactsHostnames": None,
        "InsecureRegistryCIDRs": ["127.0.0.0/8", "10.20.0.0/16"],
        "IndexConfigs": {
            "docker.io": {"Name": "docker.io", "Mirrors": [], "Secure": True, "Official": True},
            "registry.lumen.internal:5000": {"Name": "registry.lumen.internal:5000",
                                             "Mirrors": [], "Secure": False, "Official": False},
        },
        "Mirrors": None,
    },
    "NCPU": 4,
    "MemTotal": 8331612160,
    "GenericResources": None,
    "DockerRootDir": "/var/lib/docker",
    "HttpProxy": "",
    "HttpsProxy": "",
    "NoProxy": "",
    "Name": HOST,
    "Labels": [],
    "ExperimentalBuild": False,
    "ServerVersion": "24.0.7",
    "Runtimes": {
        "io.containerd.runc.v2": {"path": "runc"},
        "runc": {"path": "runc"},
    },
    "DefaultRuntime": "runc",
    "Swarm": {
        "NodeID": "",
        "NodeAddr": "",
        "LocalNodeState": "inactive",
        "ControlAvailable": False,
        "Error": "",
        "RemoteManagers": None,
    },
    "LiveRestoreEnabled": False,
    "Isolation": "",
    "InitBinary": "docker-init",
    "ContainerdCommit": {"ID": "61f9fd88f79f081d64d6fa3bb1a0dc71ec870523", "Expected": ""},
    "RuncCommit": {"ID": "v1.1.10-0-g18a0cb0", "Expected": ""},
    "InitCommit": {"ID": "de40ad0", "Expected": ""},
    "SecurityOptions": ["name=apparmor", "name=seccomp,profile=builtin"],
    "Warnings": ["WARNING: No swap limit support"],
    "ClientInfo": {
        "Debug": False,
        "Version": "24.0.7",
        "GitCommit": "afdd53b",
        "GoVersion": "go1.20.10",
        "Os": "linux",
        "Arch": "amd64",
        "BuildTime": "Thu Oct 26 09:08:01 2023",
        "Context": "default",
        "Plugins": [],
        "Warnings": None,
    },
}


def dump(path, obj):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(obj, f, indent=4)
        f.write("\n")


def main():
    dump("info.json", INFO)
    dump("containers.json", CONTAINERS)
    dump("images.json", list(IMAGES.values()))
    dump("networks.json", [network_json(n) for n in ("bridge", "host", "none", "lumen_backend")])
    for key, entries in HISTORY.items():
        dump(f"history/{key}.json", entries)


if __name__ == "__main__":
    main()
