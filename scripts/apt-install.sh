#!/usr/bin/env bash
# Installs Debian packages that are missing, as root or through sudo. Usage: scripts/apt-install.sh PACKAGE...
set -euo pipefail

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]})) || exit 0

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo -n)
else
  echo "apt-install: ${missing[*]} must be installed, and this user is not root and has no sudo" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Packages like nginx and redis-server start a system-wide service on install; the project starts its own, as
# the current user on loopback. Deny service starts for the install's duration (Debian's policy-rc.d), unless
# the machine already has a policy.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${as_root[@]}" chmod 755 /usr/sbin/policy-rc.d
  trap '"${as_root[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null ||
  { echo "apt-install: apt-get update failed" >&2; exit 1; }
"${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
  { echo "apt-install: could not install ${missing[*]}" >&2; exit 1; }
echo "apt-install: installed ${missing[*]}" >&2
