#!/usr/bin/env bash
# Runs one process of the local stack and keeps it running, as a container engine's restart policy would: whenever it
# exits unexpectedly it is started again, after a back-off (1 s, doubling to 10 s, reset once it has run a minute). It is
# not started again when it exits 2 (bad configuration: restarting cannot help) or when its stop marker exists (a stop,
# kill or down asked for the exit). Each restart is logged in the process's own log.
#
#   scripts/supervise.sh NAME PIDDIR LOGFILE -- COMMAND...      writes PIDDIR/NAME.pid (the running child's pid)
set -uo pipefail

name="$1" pids="$2" log="$3"
shift 4
backoff=1
restarts=0

note() { printf '%s autopilot-supervisor: %s %s\n' "$(date +%H:%M:%S.%3N)" "$name" "$*" >>"$log"; }

# A SIGTERM to the supervisor itself (a process manager stopping it) is passed on; the child's exit then ends the loop.
trap 'touch "$pids/$name.stop"; [[ -n "${child:-}" ]] && kill -TERM "$child" 2>/dev/null' TERM INT

while true; do
  started=$SECONDS
  "$@" >>"$log" 2>&1 </dev/null &
  child=$!
  echo "$child" >"$pids/$name.pid"
  wait "$child"
  code=$?
  # wait returns early when a trapped signal arrives; the child may still be running.
  while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
  if [[ -e "$pids/$name.stop" ]]; then
    break
  fi
  if ((code == 2)); then
    note "exited with code 2 (bad configuration); not restarting it"
    break
  fi
  ((SECONDS - started >= 60)) && backoff=1
  restarts=$((restarts + 1))
  note "exited with code $code; restarting it in ${backoff} s (restart $restarts)"
  sleep "$backoff"
  [[ -e "$pids/$name.stop" ]] && break
  backoff=$((backoff * 2 > 10 ? 10 : backoff * 2))
done
echo "$code" >"$pids/$name.exit"
