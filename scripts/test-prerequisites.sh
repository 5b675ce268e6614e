# Sourced by scripts/test.sh and bench: brings up what the tests need, or says what is missing.
as_root() { [ "$(id -u)" = 0 ]; }
has_apt() { command -v apt-get >/dev/null 2>&1; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
missing() { echo "npm test: $1" >&2; exit 1; }

ensure_docker_engine() {
  if docker info >/dev/null 2>&1; then return; fi
  if ! command -v dockerd >/dev/null 2>&1; then
    if as_root && has_apt; then
      echo "== installing Debian's docker.io"
      apt_install docker.io
    else
      missing "no Docker engine: install one (Debian: sudo apt-get install docker.io; or Docker Desktop) and start it, then run npm test again"
    fi
  fi
  if ! docker info >/dev/null 2>&1; then
    if as_root; then
      echo "== starting dockerd in the background (log: ${TMPDIR:-/tmp}/seclab-dockerd.log)"
      # From /: a daemon outlives this clone, and its children (containerd-shim) inherit its working folder.
      (cd / && exec nohup dockerd) >"${TMPDIR:-/tmp}/seclab-dockerd.log" 2>&1 &
      # The fault suite stops and starts this engine, and only this one (integration/faults).
      echo $! >"${TMPDIR:-/tmp}/seclab-dockerd.pid"
      for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    fi
    docker info >/dev/null 2>&1 || missing "the Docker engine is installed but not running: start it (sudo systemctl start docker, or sudo dockerd &) and run npm test again"
  fi
}

ensure_max_map_count() {
  local current
  current=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 262144)
  if [ "$current" -ge 262144 ]; then return; fi
  if as_root && sysctl -w vm.max_map_count=262144 >/dev/null 2>&1; then
    echo "== raised vm.max_map_count from $current to 262144 (Elasticsearch's bootstrap check)"
  else
    missing "vm.max_map_count is $current; Elasticsearch needs 262144: run sudo sysctl -w vm.max_map_count=262144 and npm test again"
  fi
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  if as_root && has_apt; then
    echo "== installing Debian's chromium"
    apt_install chromium
  else
    missing "no Chromium at /usr/bin/chromium for the e2e tests: install it (Debian: sudo apt-get install chromium) and run npm test again"
  fi
}

ensure_openssl() {
  if command -v openssl >/dev/null 2>&1; then return; fi
  if as_root && has_apt; then apt_install openssl; else missing "no openssl: install it and run npm test again"; fi
}

# The emulated images copy unzip from the host (tools layer: Elastic's Compose recipe unzips certutil's output).
ensure_unzip() {
  if command -v unzip >/dev/null 2>&1; then return; fi
  if as_root && has_apt; then
    echo "== installing Debian's unzip (copied into the emulated images)"
    apt_install unzip
  else
    missing "no unzip: the emulated images copy it from the host; install it (Debian: sudo apt-get install unzip) and run npm test again"
  fi
}

# Elastic's official multi-node Compose recipe (integration/compose-recipe) runs under Docker Compose.
# Prefer the v2 plugin (`docker compose`); Debian 12 only ships v1 (`docker-compose`, python), which also works.
ensure_docker_compose() {
  if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; then return; fi
  if as_root && has_apt; then
    local package=docker-compose
    for candidate in docker-compose-plugin docker-compose-v2; do
      if apt-cache show "$candidate" >/dev/null 2>&1; then package=$candidate; break; fi
    done
    echo "== installing Debian's $package"
    apt_install "$package"
  else
    missing "no Docker Compose: install it (Debian: sudo apt-get install docker-compose-v2 or docker-compose; or Docker Desktop) and run npm test again"
  fi
}

# The ssh:// engine test (integration/remote-engine/ssh-engine.test.ts) runs its own sshd on 127.0.0.1; it skips, saying why, without one.
ensure_sshd() {
  if [ -x /usr/sbin/sshd ] && command -v ssh-keygen >/dev/null 2>&1; then return; fi
  if as_root && has_apt; then
    echo "== installing Debian's openssh-server (the ssh:// engine test starts its own sshd on 127.0.0.1)"
    apt_install openssh-server openssh-client || echo "npm test: openssh-server could not be installed; the ssh:// engine test will be skipped" >&2
  else
    echo "npm test: no sshd (Debian: sudo apt-get install openssh-server); the ssh:// engine test will be skipped" >&2
  fi
}

# Podman's Docker-compatible API (integration/podman/podman-lab.test.ts): Debian's podman, its own
# `podman system service` on a socket of ours (never the system's), exported as SECLAB_PODMAN_SOCKET.
# It coexists with dockerd: other storage (/var/lib/containers), other bridges (netavark, podman0).
# Settings, found on Debian 12 (Podman 4.3) inside a container:
#   - cgroup_manager = cgroupfs and events_logger = file: there is no systemd to ask;
#   - without CAP_SYS_RESOURCE, default_ulimits at the service's own hard limits: Podman 4.3 gives
#     every container nofile and nproc 1048576 unless told, and runc then fails to start any of them
#     ("error setting rlimit type 7: operation not permitted"); Docker gives its own limits instead.
ensure_podman() {
  local dir="${TMPDIR:-/tmp}/seclab-podman" pidfile="${TMPDIR:-/tmp}/seclab-podman.pid"
  # Root's service listens where rootful Podman's own does (podman.socket): seclab finds the engines of
  # a machine at their usual places, and a lab on Docker must see the ports a Podman lab forwards.
  if as_root; then export SECLAB_PODMAN_SOCKET=/run/podman/podman.sock; else export SECLAB_PODMAN_SOCKET="$dir/podman.sock"; fi
  local answers=false
  curl -sf --unix-socket "$SECLAB_PODMAN_SOCKET" http://podman/_ping >/dev/null 2>&1 && answers=true
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    # A service started from a clone that is gone answers pings, but conmon, which inherits its working
    # folder, fails every container ("Failed to get working directory"): start it again, from /. So is
    # one listening elsewhere (an older layout).
    case "$answers:$(readlink "/proc/$(cat "$pidfile")/cwd")" in
      "true:/") return ;;
      *) kill "$(cat "$pidfile")" 2>/dev/null; sleep 1; answers=false ;;
    esac
  elif [ "$answers" = true ]; then
    return # the machine's own Podman service (systemd's podman.socket, say)
  fi
  if ! command -v podman >/dev/null 2>&1; then
    if as_root && has_apt; then
      echo "== installing Debian's podman (the Podman lab test runs on its Docker-compatible API)"
      apt_install podman || true
    fi
  fi
  if ! command -v podman >/dev/null 2>&1; then
    echo "npm test: no podman (Debian: sudo apt-get install podman); the Podman lab test will be skipped" >&2
    unset SECLAB_PODMAN_SOCKET
    return
  fi
  mkdir -p "$dir" "$(dirname "$SECLAB_PODMAN_SOCKET")"
  printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' >"$dir/containers.conf"
  start_podman_service() {
    rm -f "$SECLAB_PODMAN_SOCKET"
    (cd / && CONTAINERS_CONF="$dir/containers.conf" exec nohup podman system service --time=0 "unix://$SECLAB_PODMAN_SOCKET") >"$dir/service.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 30); do curl -sf --unix-socket "$SECLAB_PODMAN_SOCKET" http://podman/_ping >/dev/null 2>&1 && return 0; sleep 0.5; done
    return 1
  }
  echo "== starting podman system service on $SECLAB_PODMAN_SOCKET (log: $dir/service.log)"
  if ! start_podman_service; then
    echo "npm test: podman system service did not answer (see $dir/service.log); the Podman lab test will be skipped" >&2
    unset SECLAB_PODMAN_SOCKET
    return
  fi
  # CAP_SYS_RESOURCE is bit 24 of CapEff.
  local caps; caps=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
  if [ $(( (16#$caps >> 24) & 1 )) = 0 ]; then
    local pid nofile nproc; pid=$(cat "$pidfile")
    nofile=$(awk '/^Max open files/ { print $5 }' "/proc/$pid/limits")
    nproc=$(awk '/^Max processes/ { print $4 }' "/proc/$pid/limits")
    printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' "$nofile" "$nofile" "$nproc" "$nproc" >>"$dir/containers.conf"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    start_podman_service || { echo "npm test: podman system service did not answer (see $dir/service.log); the Podman lab test will be skipped" >&2; unset SECLAB_PODMAN_SOCKET; }
  fi
}
