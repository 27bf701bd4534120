#!/usr/bin/env bash
# Prints the URI of this machine's own Debian mirror, read from its apt sources (deb822 or one-line); names none itself.
set -euo pipefail

mirror="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
[[ -n "$mirror" ]] || mirror="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
  grep -v security | sed -E 's/^deb (\[[^]]*\] )?//' | awk '{print $1}' | grep -i debian | head -n1 || true)"
if [[ -z "$mirror" ]]; then
  echo "debian-mirror: no Debian mirror in this machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/); add the machine's Debian source first" >&2
  exit 1
fi
echo "$mirror"
