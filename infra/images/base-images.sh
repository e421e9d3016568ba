#!/usr/bin/env bash
# Sourced by run.sh: the two base images the Dockerfile names, made without a registry.
#   node:20.19-bookworm-slim  debootstrap's minbase bookworm, this machine's Node 20 and npm, its
#                             CA bundle (the registry is reached through it) and a `node` user
#                             (uid 1000), as the official image has
#   node:20.19-bookworm       the same plus python3, make, g++ and git (native addons, npm ci)
# Both carry Node's headers and an npmrc that builds against them. Each is tagged with a label of its inputs' hash (this script, Node's version) and made again
# only when that changes.
set -euo pipefail

node_bin=$(command -v node)
npm_dir=$(dirname "$(readlink -f "$(command -v npm)")")/..
inputs=$(
  cat "${BASH_SOURCE[0]}"
  "$node_bin" --version
)
digest=$(printf '%s' "$inputs" | sha256sum | cut -c1-16)

have_base() { [[ $(docker image inspect --format '{{index .Config.Labels "wevion.base"}}' "$1" 2>/dev/null) == "$digest" ]]; }

make_base() { # tag, extra Debian packages
  local tag=$1 extra=$2 root
  root=$(mktemp -d /var/tmp/wevion-base.XXXXXX)
  echo "making $tag (debootstrap${extra:+ + $extra})"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
  cp /etc/apt/sources.list.d/* "$root/etc/apt/sources.list.d/" 2>/dev/null || true
  if [[ -n $extra ]]; then
    chroot "$root" apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends $extra >/dev/null
  fi
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$(readlink -f "$npm_dir")" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # Node's headers, as the official image has them: node-gyp builds native addons
  # (better-sqlite3) against them instead of downloading them.
  mkdir -p "$root/usr/local/include"
  cp -a "$(dirname "$node_bin")/../include/node" "$root/usr/local/include/node"
  mkdir -p "$root/usr/local/etc"
  printf 'nodedir=/usr/local\ncafile=/etc/ssl/certs/ca-certificates.crt\nupdate-notifier=false\n' \
    >"$root/usr/local/etc/npmrc"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt" 2>/dev/null ||
    { mkdir -p "$root/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"; }
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change "LABEL wevion.base=$digest" \
    --change 'CMD ["node"]' - "$tag" >/dev/null
  rm -rf "$root"
}

started=$SECONDS
have_base node:20.19-bookworm-slim || make_base node:20.19-bookworm-slim ''
have_base node:20.19-bookworm || make_base node:20.19-bookworm 'python3 make g++ git'
echo "base images ready in $((SECONDS - started)) s"
