#!/usr/bin/env bash
# A real Docker scenario for Docket's live tests (see the guide's "A real Docker daemon").
#
# Usage:
#   bash tests/docker/scenario.sh ensure-daemon     # start dockerd (vfs) if none answers; root only
#   bash tests/docker/scenario.sh build-image       # local test images (no registry needed)
#   bash tests/docker/scenario.sh up PREFIX         # the planted-problem containers, PREFIX-<role>
#   bash tests/docker/scenario.sh down PREFIX       # remove everything labelled docket.test=PREFIX
#   bash tests/docker/scenario.sh many PREFIX N     # N extra created containers PREFIX-bulk-<i>
#
# Every object carries the label docket.test=PREFIX (containers also docket.test.role=<role>),
# so `down` finds them all. `up` starts from a clean slate (it runs `down` first), so it can be
# run again at any time. Several PREFIXes can be up at once: containers that publish fixed host
# ports (`ports`: 80 and 8080, `hardened`: 127.0.0.1:18080) are only created, not started,
# because one host port can be held by one running container only and the tests run their
# scenarios in parallel; Docket reads HostConfig.PortBindings, which a created container has.
# Set DOCKET_SCENARIO_START_PORTS=1 to start them too (one scenario at a time).
#
# Environment: TMPDIR (dockerd log and lock files), DOCKET_SCENARIO_START_PORTS.
set -euo pipefail

readonly BUSYBOX_IMAGE="docket-test/busybox:1"
readonly LATEST_IMAGE="docket-test/busybox:latest"
readonly HARDENED_IMAGE="docket-test/hardened:1"
readonly IMAGE_REV=1
readonly SOCKET="/var/run/docker.sock"
readonly STATE_DIR="${TMPDIR:-/tmp}"
readonly DOCKERD_LOG="${STATE_DIR}/docket-dockerd.log"
readonly DOCKERD_PIDFILE="/var/run/docker.pid"
readonly DAEMON_WAIT_SECONDS=60
readonly TLS_DIR="${STATE_DIR}/docket-docker-tls"
readonly TLS_ADDR="127.0.0.1:23760"

T0=${EPOCHREALTIME}

say() { printf 'scenario: %s\n' "$*"; }
die() {
  printf 'scenario: error: %s\n' "$*" >&2
  exit 1
}

elapsed() {
  local now=${EPOCHREALTIME}
  awk -v a="${T0}" -v b="${now}" 'BEGIN { printf "%.1f", b - a }'
}

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

daemon_answers() {
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

need_daemon() {
  daemon_answers || die "no Docker daemon answers at ${DOCKER_HOST:-unix://${SOCKET}} (run '$0 ensure-daemon' as root)"
}

# Serialise the steps that parallel test scenarios might run at the same time.
lock() {
  local name=$1
  exec 9>"${STATE_DIR}/docket-scenario-${name}.lock"
  flock 9
}

unlock() {
  flock -u 9
  exec 9>&-
}

valid_prefix() {
  [[ $1 =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] || die "invalid PREFIX '$1' (letters, digits, _ . - only)"
}

# ---------------------------------------------------------------------------------------------
# ensure-daemon

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when apt does not know the packages yet.
  local pkg
  for pkg in "$@"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      say "apt-get update"
      apt-get update -qq >/dev/null || die "apt-get update failed"
      break
    fi
  done
  say "apt-get install $*"
  local log
  log=$(mktemp)
  if ! apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    die "apt-get install $* failed"
  fi
  rm -f "$log"
}

# A throw-away CA, server and client certificate so the tests can reach the daemon over
# TCP with mutual TLS (DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH=${TLS_DIR}/client).
make_tls() {
  local d=$TLS_DIR
  [[ -f $d/client/key.pem ]] && return 0
  mkdir -p "$d/client"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 7 \
      -subj /CN=docket-test-ca 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr \
      -subj /CN=127.0.0.1 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -out server-cert.pem -days 7 -extfile server.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout client/key.pem -out client.csr \
      -subj /CN=docket-test-client 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -out client/cert.pem -days 7 -extfile client.ext 2>/dev/null
    cp ca.pem client/ca.pem
  )
  say "made test TLS certificates in ${d}"
}

cmd_ensure_daemon() {
  if daemon_answers; then
    say "daemon already answers ($(docker info --format '{{.ServerVersion}} {{.Driver}}'))"
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    if [[ -S $SOCKET && ! -w $SOCKET ]]; then
      die "${SOCKET} exists but this user may not use it (not in the 'docker' group?); run as root or fix the socket's group"
    fi
    die "no Docker daemon answers and this user is not root, so none can be started here; start dockerd (as root: '$0 ensure-daemon') or set DOCKER_HOST"
  fi
  lock daemon
  if daemon_answers; then # another run started it while we waited for the lock
    say "daemon already answers"
    return 0
  fi

  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    local t=${EPOCHREALTIME}
    apt_install docker.io busybox-static
    say "installed docker.io busybox-static in $(awk -v a="$t" -v b="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", b - a }') s"
    # A package script may have started the daemon already.
    if daemon_answers; then
      say "daemon answers after install ($(elapsed) s)"
      return 0
    fi
  fi

  local t=${EPOCHREALTIME} pid
  if pid=$(live_dockerd); then
    # A dockerd is running but does not answer yet (still starting, or another run's).
    say "dockerd pid $pid is running; waiting for it to answer"
  else
    # Left over from a dead daemon, these make a new dockerd refuse to start.
    rm -f "$SOCKET" "$DOCKERD_PIDFILE"
    make_tls
    say "starting dockerd --storage-driver=vfs, also on tcp://${TLS_ADDR} with mutual TLS (log: ${DOCKERD_LOG})"
    # setsid + nohup: the daemon outlives this script and the test process that ran it.
    setsid nohup dockerd --storage-driver=vfs -H "unix://${SOCKET}" -H "tcp://${TLS_ADDR}" \
      --tlsverify --tlscacert "${TLS_DIR}/ca.pem" --tlscert "${TLS_DIR}/server-cert.pem" \
      --tlskey "${TLS_DIR}/server-key.pem" </dev/null >"$DOCKERD_LOG" 2>&1 9>&- &
    pid=$!
  fi
  local deadline=$((SECONDS + DAEMON_WAIT_SECONDS))
  until docker info >/dev/null 2>&1; do
    if ! alive "$pid"; then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "dockerd exited during start-up (log: ${DOCKERD_LOG})"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "dockerd (pid $pid) did not answer on ${SOCKET} within ${DAEMON_WAIT_SECONDS} s (log: ${DOCKERD_LOG})"
    fi
    sleep 0.5
  done
  say "dockerd pid $pid answers after $(awk -v a="$t" -v b="${EPOCHREALTIME}" 'BEGIN { printf "%.1f", b - a }') s (total $(elapsed) s)"
}

# A process that exists and is not a zombie (PID 1 in a container may never reap them).
alive() {
  local state
  [[ -r /proc/$1/stat ]] || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# The pid of a live dockerd named in its pid file, if there is one.
live_dockerd() {
  local pid
  pid=$(cat "$DOCKERD_PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]] || return 1
  echo "$pid"
}

# ---------------------------------------------------------------------------------------------
# build-image

# Images carry docket.test.image-rev; a change to how they are built bumps it, and
# build-image then replaces images an older version of this script left behind.
image_current() {
  local rev
  rev=$(docker image inspect --format '{{index .Config.Labels "docket.test.image-rev"}}' "$1" 2>/dev/null) || return 1
  [[ $rev == "$IMAGE_REV" ]]
}

hardened_ok() {
  local cfg
  image_current "$HARDENED_IMAGE" || return 1
  cfg=$(docker image inspect --format '{{.Config.User}}|{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}' "$HARDENED_IMAGE" 2>/dev/null) || return 1
  [[ $cfg == '10001|'*'/bin/true'* ]]
}

images_ready() {
  image_current "$BUSYBOX_IMAGE" && image_current "$LATEST_IMAGE" && hardened_ok
}

busybox_binary() {
  local b
  for b in /bin/busybox /usr/bin/busybox; do
    if [[ -x $b ]] && "$b" --list 2>/dev/null | grep -qx sleep; then
      echo "$b"
      return 0
    fi
  done
  return 1
}

# A minimal root filesystem: static busybox, a few applet links, passwd/group for uid 10001.
make_rootfs() {
  local bb root applet
  if ! bb=$(busybox_binary); then
    [[ $(id -u) -eq 0 ]] || die "no static busybox found (install busybox-static)"
    apt_install busybox-static >&2
    bb=$(busybox_binary) || die "busybox-static installed but no busybox with 'sleep' found"
  fi
  if command -v ldd >/dev/null 2>&1 && ldd "$bb" >/dev/null 2>&1; then
    say "warning: $bb is dynamically linked; the image has no libc (install busybox-static)" >&2
  fi
  root=$(mktemp -d)
  chmod 0755 "$root" # mktemp -d is 0700: uid 10001 could not reach /bin
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  for applet in sh sleep true cat ls id env; do
    ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001:app:/:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\n' >"$root/etc/group"
  echo "$root"
}

# import ROOTFS IMAGE [--change ...]
import_rootfs() {
  local root=$1 image=$2
  shift 2
  tar -C "$root" -c . | docker import \
    -c "LABEL docket.test.image-rev=${IMAGE_REV}" -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' \
    "$@" - "$image" 2>&1
}

build_images() {
  local root out ctx old
  # Images replaced below are removed at the end (unless a container still uses them).
  old=$(docker image inspect --format '{{.Id}}' "$BUSYBOX_IMAGE" "$HARDENED_IMAGE" 2>/dev/null) || true
  root=$(make_rootfs)
  if ! image_current "$BUSYBOX_IMAGE"; then
    out=$(import_rootfs "$root" "$BUSYBOX_IMAGE") || {
      rm -rf "$root"
      die "docker import of $BUSYBOX_IMAGE failed: $out"
    }
    say "built $BUSYBOX_IMAGE (docker import)"
  fi
  docker tag "$BUSYBOX_IMAGE" "$LATEST_IMAGE"
  if ! hardened_ok; then
    # First choice: docker import with the config changes.
    if out=$(import_rootfs "$root" "$HARDENED_IMAGE" -c 'USER 10001' -c 'HEALTHCHECK CMD ["/bin/true"]') &&
      hardened_ok; then
      say "built $HARDENED_IMAGE (docker import -c 'USER 10001' -c 'HEALTHCHECK ...')"
    else
      say "docker import did not set USER + HEALTHCHECK (${out//$'\n'/ }); using docker build"
      # Fallback: a Dockerfile on the local image; the classic builder needs no registry.
      ctx=$(mktemp -d)
      printf 'FROM %s\nUSER 10001\nHEALTHCHECK CMD ["/bin/true"]\n' "$BUSYBOX_IMAGE" >"$ctx/Dockerfile"
      out=$(DOCKER_BUILDKIT=0 docker build -q -t "$HARDENED_IMAGE" "$ctx" 2>&1) || {
        rm -rf "$ctx" "$root"
        die "docker build of $HARDENED_IMAGE failed: $out"
      }
      rm -rf "$ctx"
      hardened_ok || die "$HARDENED_IMAGE was built but lacks USER 10001 / HEALTHCHECK"
      say "built $HARDENED_IMAGE (docker build)"
    fi
  fi
  rm -rf "$root"
  if [[ -n $old ]]; then
    # shellcheck disable=SC2086 # image ids, one a line
    docker rmi $old >/dev/null 2>&1 || true
  fi
  # Smoke test: the hardened settings must still let a process start.
  out=$(docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges \
    --user 10001 "$HARDENED_IMAGE" sleep 0 2>&1) ||
    die "$HARDENED_IMAGE does not run as uid 10001 on a read-only root: $out"
}

cmd_build_image() {
  need_daemon
  lock build
  images_ready || build_images
  unlock
  say "images ready: $BUSYBOX_IMAGE $LATEST_IMAGE $HARDENED_IMAGE ($(elapsed) s)"
}

# ---------------------------------------------------------------------------------------------
# up / down / many

PREFIX=""
ROLES=()

# make ROLE create|run [docker create options...] IMAGE [COMMAND...]
make_container() {
  local role=$1 mode=$2
  shift 2
  local name="${PREFIX}-${role}" out
  if ! out=$(docker create --name "$name" \
    --label "docket.test=${PREFIX}" --label "docket.test.role=${role}" "$@" 2>&1); then
    die "container '${role}' ($name): docker create failed: $out"
  fi
  if [[ $mode == run ]] && ! out=$(docker start "$name" 2>&1); then
    die "container '${role}' ($name): docker start failed: $out"
  fi
  ROLES+=("$role:$mode")
}

ports_mode() {
  if [[ ${DOCKET_SCENARIO_START_PORTS:-0} == 1 ]]; then echo run; else echo create; fi
}

cmd_up() {
  PREFIX=${1:-}
  [[ -n $PREFIX ]] || usage
  valid_prefix "$PREFIX"
  need_daemon
  images_ready || cmd_build_image
  cmd_down_quiet
  local net="${PREFIX}-backend" out
  if ! out=$(docker network create --label "docket.test=${PREFIX}" "$net" 2>&1); then
    die "network '$net': docker network create failed: $out"
  fi
  local bb=$BUSYBOX_IMAGE sleep=(sleep 600) pm hardened_id
  pm=$(ports_mode)
  # The hardened container is started from the image id (sha256:...), the only immutable
  # reference a locally built image has (no registry, so no RepoDigests): pinned, as it should be.
  hardened_id=$(docker image inspect --format '{{.Id}}' "$HARDENED_IMAGE")

  # Privileged: can be created but not started in this sandbox ("unable to apply caps").
  make_container priv create --privileged "$bb" "${sleep[@]}"
  make_container caps run --cap-add SYS_ADMIN --cap-add NET_ADMIN "$bb" "${sleep[@]}"
  make_container hostns run --network host --pid host --ipc host "$bb" "${sleep[@]}"
  make_container socket run -v "${SOCKET}:${SOCKET}" "$bb" "${sleep[@]}"
  make_container etc run -v /etc:/host-etc "$bb" "${sleep[@]}"
  make_container nolimits run "$bb" "${sleep[@]}"
  make_container ports "$pm" -p 0.0.0.0:80:80 -p 8080:8080 "$bb" "${sleep[@]}"
  make_container secrets run \
    -e DB_PASSWORD=canary-live-db-pass-4242 \
    -e AWS_ACCESS_KEY_ID=AKIALIVECANARY000042 \
    "$bb" "${sleep[@]}"
  make_container latest run --restart always "$LATEST_IMAGE" "${sleep[@]}"
  make_container store run --network "$net" \
    --label docket.io/data-classification=personal "$bb" "${sleep[@]}"
  make_container app run --network "$net" "$bb" "${sleep[@]}"
  make_container hardened "$pm" \
    --read-only --cap-drop ALL --security-opt no-new-privileges \
    --memory 64m --cpus 0.5 --pids-limit 50 --restart on-failure:3 \
    --user 10001 -p 127.0.0.1:18080:8080 --network "$net" \
    "$hardened_id" "${sleep[@]}"

  # Verify: every container exists, with the state it should have.
  local entry role mode want got failed=0
  for entry in "${ROLES[@]}"; do
    role=${entry%%:*}
    mode=${entry#*:}
    want=created
    [[ $mode == run ]] && want=running
    if ! got=$(docker inspect --format '{{.State.Status}}' "${PREFIX}-${role}" 2>&1); then
      printf 'scenario: error: container %s-%s is missing: %s\n' "$PREFIX" "$role" "$got" >&2
      failed=1
    elif [[ $got != "$want" ]]; then
      printf 'scenario: error: container %s-%s is %s, expected %s\n' "$PREFIX" "$role" "$got" "$want" >&2
      failed=1
    fi
  done
  ((failed == 0)) || die "scenario '$PREFIX' is incomplete"
  say "up $PREFIX: ${#ROLES[@]} containers and network $net in $(elapsed) s"
}

cmd_down_quiet() {
  local ids nets
  ids=$(docker ps -aq --filter "label=docket.test=${PREFIX}") || true
  if [[ -n $ids ]]; then
    # Parallel batches: removal on vfs deletes a full copy of each root filesystem.
    # shellcheck disable=SC2086 # ids are whitespace-separated hex ids
    printf '%s\n' $ids | xargs -r -n 25 -P 4 docker rm -f -v >/dev/null 2>&1 || true
  fi
  nets=$(docker network ls -q --filter "label=docket.test=${PREFIX}") || true
  if [[ -n $nets ]]; then
    # shellcheck disable=SC2086
    docker network rm $nets >/dev/null 2>&1 || true
  fi
  docker network rm "${PREFIX}-backend" >/dev/null 2>&1 || true
  local left
  left=$(docker ps -aq --filter "label=docket.test=${PREFIX}" | wc -l) || true
  [[ $left -eq 0 ]] || die "down $PREFIX: $left container(s) could not be removed"
}

cmd_down() {
  PREFIX=${1:-}
  [[ -n $PREFIX ]] || usage
  valid_prefix "$PREFIX"
  need_daemon
  local n
  n=$(docker ps -aq --filter "label=docket.test=${PREFIX}" | wc -l)
  cmd_down_quiet
  say "down $PREFIX: removed $n container(s) in $(elapsed) s"
}

cmd_many() {
  PREFIX=${1:-}
  local n=${2:-}
  [[ -n $PREFIX && $n =~ ^[0-9]+$ ]] || usage
  valid_prefix "$PREFIX"
  need_daemon
  image_current "$BUSYBOX_IMAGE" || cmd_build_image
  # Only the missing ones, so a second run is cheap.
  local existing missing=() i
  existing=$(docker ps -a --filter "label=docket.test=${PREFIX}" --filter "label=docket.test.role=bulk" --format '{{.Names}}')
  for ((i = 1; i <= n; i++)); do
    grep -qx -- "${PREFIX}-bulk-${i}" <<<"$existing" || missing+=("$i")
  done
  if ((${#missing[@]} > 0)); then
    local errs
    errs=$(mktemp)
    if ! printf '%s\n' "${missing[@]}" |
      xargs -P 4 -I{} docker create --name "${PREFIX}-bulk-{}" \
        --label "docket.test=${PREFIX}" --label docket.test.role=bulk \
        "$BUSYBOX_IMAGE" sleep 600 >/dev/null 2>"$errs"; then
      head -n 5 "$errs" >&2
      rm -f "$errs"
      die "many $PREFIX $n: some docker create calls failed"
    fi
    rm -f "$errs"
  fi
  local have
  have=$(docker ps -aq --filter "label=docket.test=${PREFIX}" --filter "label=docket.test.role=bulk" | wc -l)
  ((have >= n)) || die "many $PREFIX $n: only $have bulk containers exist"
  say "many $PREFIX: created ${#missing[@]} (now $have bulk containers) in $(elapsed) s"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    ensure-daemon) cmd_ensure_daemon ;;
    build-image) cmd_build_image ;;
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    many) cmd_many "$@" ;;
    *) usage ;;
  esac
}

main "$@"
