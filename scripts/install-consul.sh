#!/usr/bin/env bash
# Puts a real Consul agent at .tools/consul/consul: Debian's consul 1.8.7 from the bullseye suite, the
# one Consul that installs here. The machine's apt sources stay as they are: apt reads a private source
# list (the machine's own Debian mirror, suite bullseye) with private state and cache under .tools/apt,
# downloads the .deb and unpacks it with dpkg -x. Prints the binary's path. Idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/consul/consul"
WANT="1.8.7"

# The version is read whole before it is matched: `consul version | grep -q` under pipefail fails now and
# then, because grep exits at the first line and consul (Go) dies of SIGPIPE writing the second.
reports_wanted() { local out; out="$("$BIN" version 2>/dev/null)" && [[ "$out" == *"Consul v$WANT"* ]]; }
installed() { [[ -x "$BIN" ]] && reports_wanted; }
if installed; then
  echo "$BIN"
  exit 0
fi

# Test assemblies run in parallel and may all ask at once: one installs, the others wait for it.
mkdir -p "$TOOLS"
exec 9>"$TOOLS/.install-consul.lock"
flock 9
if installed; then
  echo "$BIN"
  exit 0
fi

fail() { echo "install-consul: $*" >&2; exit 1; }
command -v apt-get >/dev/null || fail "apt-get is missing; this script needs a Debian-based machine"

mirror="$("$ROOT/scripts/debian-mirror.sh")" || fail "cannot find the machine's Debian mirror"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f "$keyring" ]] || fail "$keyring is missing (package debian-archive-keyring)"

APT="$TOOLS/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$TOOLS/consul"
echo "deb [signed-by=$keyring] $mirror bullseye main" >"$APT/sources.list"
opts=(
  -o "Dir::Etc::SourceList=$APT/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$APT/lists"
  -o "Dir::Cache=$APT/cache"
  -o "APT::Sandbox::User=root"
  -o "Debug::NoLocking=1"
)

echo "install-consul: fetching consul $WANT from $mirror (suite bullseye)" >&2
apt-get "${opts[@]}" update -qq >"$APT/update.log" 2>&1 || { cat "$APT/update.log" >&2; fail "apt-get update of the private bullseye list failed"; }
version="$(apt-cache "${opts[@]}" policy consul | awk '/Candidate:/ {print $2}')"
[[ "$version" == "$WANT"* ]] || fail "bullseye offers consul '$version', not $WANT"
(cd "$APT" && rm -f consul_*.deb && apt-get "${opts[@]}" download "consul=$version" >"$APT/download.log" 2>&1) ||
  { cat "$APT/download.log" >&2; fail "downloading consul $version failed"; }

rm -rf "$APT/root"
dpkg -x "$APT"/consul_*.deb "$APT/root"
install -m 0755 "$APT/root/usr/bin/consul" "$BIN"
reports_wanted || fail "the unpacked binary does not report Consul v$WANT"
echo "install-consul: installed Consul v$WANT at .tools/consul/consul" >&2
echo "$BIN"
