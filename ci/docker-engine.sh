#!/usr/bin/env bash
# A Docker engine for the container tests (QEMU inside a container, driven through Testcontainers).
#
#   ci/docker-engine.sh start   installs Debian's docker.io when dockerd is missing and starts
#                               dockerd when no engine answers; waits until one does (bounded)
#   ci/docker-engine.sh stop    stops the dockerd this script started (and only that one)
#   ci/docker-engine.sh status  exit 0 when an engine answers
#   ci/docker-engine.sh env     prints the environment Testcontainers needs here, as export lines
#
# Nothing here needs a registry: Ryuk (which Testcontainers would pull) is disabled, and the
# image Testcontainers uses for its own checks is set to a local one. The harness removes its
# containers itself (close(), a JVM shutdown hook, and a sweep of containers whose JVM died).
# Runs as root, or through sudo when it is there. Prints how long each step took on stderr.
set -euo pipefail

SOCKET=/var/run/docker.sock
PIDFILE=/var/run/pvh-dockerd.pid
LOG=/var/log/pvh-dockerd.log
START_TIMEOUT=${PVH_DOCKERD_START_TIMEOUT:-90}
# The image Testcontainers would run its own checks with (were they enabled); a local one, built by
# ci/qemu-container/build.sh, since nothing can be pulled.
TINY_IMAGE=${PVH_QEMU_IMAGE:-pvh-qemu:bookworm-backports}

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

say() { echo "ci/docker-engine.sh: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

answers() { command -v docker >/dev/null && timeout 10 docker version >/dev/null 2>&1; }

install_engine() {
  local t
  t=$(now)
  say "installing docker.io (Debian's Docker engine)"
  "${as_root[@]}" apt-get update -q >&2
  # policy-rc.d 101: the package's init script must not start an engine behind our back
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${as_root[@]}" chmod +x /usr/sbin/policy-rc.d
  local rc=0
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends \
    docker.io >&2 || rc=$?
  "${as_root[@]}" rm -f /usr/sbin/policy-rc.d
  [ "$rc" -eq 0 ] || { say "apt-get install docker.io failed (exit $rc)"; exit "$rc"; }
  say "installed docker.io in $(since "$t") s"
}

start_engine() {
  if answers; then
    say "a Docker engine already answers on $SOCKET"
    return 0
  fi
  command -v dockerd >/dev/null || install_engine
  local t
  t=$(now)
  say "starting dockerd (log: $LOG)"
  # setsid: the engine outlives this script and the CI step's process group
  "${as_root[@]}" setsid dockerd --host "unix://$SOCKET" --pidfile "$PIDFILE" \
    >>"$LOG" 2>&1 </dev/null &
  local waited=0
  until answers; do
    if [ "$waited" -ge "$START_TIMEOUT" ]; then
      say "dockerd did not answer within ${START_TIMEOUT} s; the end of $LOG:"
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "dockerd answers after $(since "$t") s"
}

stop_engine() {
  if [ ! -s "$PIDFILE" ]; then
    say "no dockerd started by this script ($PIDFILE missing); nothing to stop"
    return 0
  fi
  local pid
  pid=$(cat "$PIDFILE")
  say "stopping dockerd pid $pid"
  "${as_root[@]}" kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || { say "dockerd stopped"; return 0; }
    sleep 1
  done
  say "dockerd pid $pid did not stop within 30 s"
  exit 1
}

# The same as the failsafe configuration in pom.xml sets for the tests.
print_env() {
  echo "export TESTCONTAINERS_RYUK_DISABLED=true"
  echo "export TESTCONTAINERS_CHECKS_DISABLE=true"
  # Inside a container (/.dockerenv) Testcontainers would otherwise look for the gateway by
  # running a helper container; the harness only talks to QEMU through bind-mounted sockets.
  echo "export TESTCONTAINERS_HOST_OVERRIDE=localhost"
  echo "export TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE=$TINY_IMAGE"
}

case "${1:-start}" in
  start) start_engine ;;
  stop) stop_engine ;;
  status) answers ;;
  env) print_env ;;
  *)
    say "unknown command '$1'; valid: start, stop, status, env"
    exit 2
    ;;
esac
