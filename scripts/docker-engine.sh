#!/usr/bin/env bash
# Makes a Docker engine answer on this machine: installs Debian's docker.io and docker-compose when they are absent, and
# starts dockerd (logging to $AUTOPILOT_RUN/docker) when none answers. Idempotent. Prints the docker CLI to use.
#
#   scripts/docker-engine.sh          ensure an engine; if this call started dockerd, its pid is in $AUTOPILOT_RUN/docker/dockerd.pid
#   scripts/docker-engine.sh stop     stop the dockerd that this script started (and only that one)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${AUTOPILOT_RUN:-$ROOT/.run}/docker"
PIDFILE="$RUN/dockerd.pid"
# Debian's CLI, which matches Debian's engine; another docker on PATH may be a newer client only.
DOCKER=/usr/bin/docker

fail() { echo "docker-engine: $*" >&2; exit 1; }

answers() { [[ -x "$DOCKER" ]] && timeout 10 "$DOCKER" info >/dev/null 2>&1; }

if [[ "${1:-}" == stop ]]; then
  if [[ -f "$PIDFILE" ]]; then
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
      echo "docker-engine: stopping the dockerd it started (pid $pid)" >&2
      kill -TERM "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$PIDFILE"
  fi
  exit 0
fi

[[ $(id -u) -eq 0 ]] || command -v sudo >/dev/null || fail "dockerd needs root; run as root or with sudo"
"$ROOT/scripts/apt-install.sh" docker.io docker-compose iptables

if ! answers; then
  mkdir -p "$RUN"
  exec 9>"$RUN/.start.lock"
  flock 9
  if ! answers; then
    echo "docker-engine: starting dockerd (log: $RUN/dockerd.log)" >&2
    as_root=()
    [[ $(id -u) -eq 0 ]] || as_root=(sudo -n)
    # setsid: the engine outlives this script, not the caller's terminal signals.
    setsid "${as_root[@]}" /usr/sbin/dockerd --host unix:///var/run/docker.sock --data-root /var/lib/docker \
      >>"$RUN/dockerd.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 120); do
      answers && break
      kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -n 20 "$RUN/dockerd.log" >&2; fail "dockerd exited at start; its log is $RUN/dockerd.log"; }
      sleep 0.5
    done
    answers || fail "dockerd did not answer within 60 s; its log is $RUN/dockerd.log"
  fi
fi
echo "$DOCKER"
