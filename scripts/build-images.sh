#!/usr/bin/env bash
# Builds every image deploy/docker-compose.yml needs, and writes deploy/.env naming the base images to use.
#
# The public base images (the .NET SDK and ASP.NET Core runtime, Consul, Redis) are used when they are present or can be
# pulled. Where one cannot, a local stand-in is built first from Debian packages, under a local name (autopilot-base/...):
# Debian bookworm by debootstrap from the machine's own mirror, .NET from the machine's SDK, Consul 1.8.7 from bullseye
# (scripts/install-consul.sh), redis-server and prometheus from bookworm. Then the three app images are built from one build of the code
# (deploy/Dockerfile). Idempotent: images already built are kept, and docker's layer cache makes a rebuild after a code
# change take about a minute.
set -euo pipefail
# Failures inside $(...) stop the script too (a stand-in that failed to build is not an image to use).
shopt -s inherit_errexit

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${AUTOPILOT_RUN:-$ROOT/.run}/images"
DOCKER="$("$ROOT/scripts/docker-engine.sh")"
TAG="${AUTOPILOT_IMAGES:-autopilot}"

say() { printf 'images: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }
have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
pullable() { have "$1" || timeout 300 "$DOCKER" pull -q "$1" >/dev/null 2>&1; }

debian_base() {
  local image=autopilot-base/debian:bookworm
  have "$image" && { echo "$image"; return; }
  "$ROOT/scripts/apt-install.sh" debootstrap
  local mirror
  mirror="$("$ROOT/scripts/debian-mirror.sh")"
  say "debootstrap of Debian bookworm from $mirror"
  rm -rf "$WORK/rootfs" && mkdir -p "$WORK"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed; the log is $WORK/debootstrap.log"; }
  rm -rf "$WORK/rootfs/var/lib/apt/lists/"* "$WORK/rootfs/var/cache/apt/archives/"*.deb
  tar -C "$WORK/rootfs" -c . | "$DOCKER" import - "$image" >/dev/null
  rm -rf "$WORK/rootfs"
  echo "$image"
}

# standin NAME DOCKERFILE CONTEXT-MAKER: builds autopilot-base/NAME on the Debian base, unless an image built from this
# very Dockerfile is there already (its hash is the image's label).
standin() {
  local image="autopilot-base/$1" recipe
  recipe="$(sha256sum "$2" | cut -c1-16)"
  if [[ "$("$DOCKER" image inspect -f '{{ index .Config.Labels "autopilot.recipe" }}' "$image" 2>/dev/null)" != "$recipe" ]]; then
    say "building the stand-in $image"
    local context
    context="$($3)"
    "$DOCKER" build -q --force-rm -t "$image" --label "autopilot.recipe=$recipe" --build-arg "BASE=$(debian_base)" -f "$2" "$context" >/dev/null
  fi
  echo "$image"
}

sdk_context() { dotnet_context sdk; }
aspnet_context() { dotnet_context aspnet; }
consul_context() { mkdir -p "$WORK/consul" && cp "$("$ROOT/scripts/install-consul.sh")" "$WORK/consul/consul" && echo "$WORK/consul"; }
redis_context() { echo "$ROOT/deploy/standin"; }
prometheus_context() { echo "$ROOT/deploy/standin"; }

dotnet_context() {
  local context="$WORK/$1"
  local dotnet
  dotnet="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  rm -rf "$context" && mkdir -p "$context/dotnet"
  if [[ "$1" == sdk ]]; then
    cp -a "$dotnet/." "$context/dotnet/"
    # The machine's certificate authorities, so that NuGet restore in a build trusts what this machine trusts.
    cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
  else
    cp -a "$dotnet/dotnet" "$dotnet/host" "$dotnet/LICENSE.txt" "$context/dotnet/"
    mkdir -p "$context/dotnet/shared"
    cp -a "$dotnet/shared/Microsoft.NETCore.App" "$dotnet/shared/Microsoft.AspNetCore.App" "$context/dotnet/shared/"
  fi
  echo "$context"
}

base() {
  local public="$1" name="$2"
  if pullable "$public"; then
    echo "$public"
    return
  fi
  say "$public cannot be pulled here; using a local stand-in"
  case "$name" in
    dotnet-sdk:10.0) standin "$name" "$ROOT/deploy/standin/dotnet-sdk.Dockerfile" sdk_context ;;
    dotnet-aspnet:10.0) standin "$name" "$ROOT/deploy/standin/dotnet-aspnet.Dockerfile" aspnet_context ;;
    consul:1.8.7) standin "$name" "$ROOT/deploy/standin/consul.Dockerfile" consul_context ;;
    redis:7) standin "$name" "$ROOT/deploy/standin/redis.Dockerfile" redis_context ;;
    prometheus:2.42) standin "$name" "$ROOT/deploy/standin/prometheus.Dockerfile" prometheus_context ;;
  esac
}

mkdir -p "$WORK"
SDK_IMAGE="$(base mcr.microsoft.com/dotnet/sdk:10.0 dotnet-sdk:10.0)"
RUNTIME_IMAGE="$(base mcr.microsoft.com/dotnet/aspnet:10.0 dotnet-aspnet:10.0)"
CONSUL_IMAGE="$(base hashicorp/consul:1.20 consul:1.8.7)"
REDIS_IMAGE="$(base redis:7 redis:7)"
PROMETHEUS_IMAGE="$(base prom/prometheus:v2.42.0 prometheus:2.42)"

for target in silo gateway edge; do
  say "building $TAG/$target (deploy/Dockerfile, target $target)"
  "$DOCKER" build -q --force-rm -f "$ROOT/deploy/Dockerfile" --target "$target" -t "$TAG/$target:latest" \
    --build-arg "SDK_IMAGE=$SDK_IMAGE" --build-arg "RUNTIME_IMAGE=$RUNTIME_IMAGE" "$ROOT" >"$WORK/build-$target.log" 2>&1 ||
    { tail -n 30 "$WORK/build-$target.log" >&2; fail "building $target failed; the log is $WORK/build-$target.log"; }
done

cat >"$ROOT/deploy/.env" <<ENV
# Written by ./autopilot images: the base images this machine uses (public ones where they can be pulled). Not committed.
CONSUL_IMAGE=$CONSUL_IMAGE
REDIS_IMAGE=$REDIS_IMAGE
PROMETHEUS_IMAGE=$PROMETHEUS_IMAGE
SDK_IMAGE=$SDK_IMAGE
RUNTIME_IMAGE=$RUNTIME_IMAGE
AUTOPILOT_IMAGES=$TAG
ENV
say "done: $TAG/silo, $TAG/gateway, $TAG/edge on $RUNTIME_IMAGE; Consul $CONSUL_IMAGE, Redis $REDIS_IMAGE (deploy/.env)"
