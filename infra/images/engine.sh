#!/usr/bin/env bash
# Sourced by run.sh: makes sure a Docker engine answers on $DOCKER_HOST, with Debian's packages
# only. Installs docker.io, debootstrap and docker-compose when missing (root), then starts
# dockerd on a private socket with its own data root, unless one already answers there. No
# bridge and no iptables: every container this project runs here uses the host's network.
set -euo pipefail

IMAGES_STATE=${IMAGES_STATE:-/var/lib/wevion-images}
export DOCKER_HOST=${DOCKER_HOST:-unix://$IMAGES_STATE/docker.sock}
# The classic builder: BuildKit is not part of Debian's docker.io 20.10.
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "test:images needs ${missing[*]} (Debian packages) and root to install them" >&2
    exit 1
  fi
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker version >/dev/null 2>&1; then
  mkdir -p "$IMAGES_STATE"
  dockerd --host "$DOCKER_HOST" --data-root "$IMAGES_STATE/data" --exec-root "$IMAGES_STATE/exec" \
    --pidfile "$IMAGES_STATE/dockerd.pid" --iptables=false --ip-masq=false --bridge=none \
    >"$IMAGES_STATE/dockerd.log" 2>&1 &
  STARTED_DOCKERD=$!
  for _ in $(seq 1 60); do
    docker version >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker version --format 'dockerd {{.Server.Version}} on {{.Server.Os}}' ||
    { tail -20 "$IMAGES_STATE/dockerd.log" >&2; exit 1; }
fi
