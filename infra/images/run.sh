#!/usr/bin/env bash
# npm run test:images: the production images built and run on a real engine, on a machine
# without a registry (see the README's Docker section). Needs root the first time: it installs
# Debian's docker.io, debootstrap and docker-compose, starts dockerd on a private socket, makes
# the base images, then runs test-images.ts. Stops the dockerd it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=infra/images
STARTED_DOCKERD=
# shellcheck source=engine.sh
source "$here/engine.sh"
stop_engine() {
  if [[ -n $STARTED_DOCKERD ]]; then
    kill "$STARTED_DOCKERD" 2>/dev/null || true
    wait "$STARTED_DOCKERD" 2>/dev/null || true
  fi
}
trap stop_engine EXIT
# shellcheck source=base-images.sh
source "$here/base-images.sh"
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true npx tsx "$here/test-images.ts"

