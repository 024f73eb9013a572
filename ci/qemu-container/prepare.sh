#!/usr/bin/env bash
# Gets the container tests ready when it can: a Docker engine (ci/docker-engine.sh: installs
# Debian's docker.io and starts dockerd when none runs) and the QEMU image (built with
# ci/qemu-container/build.sh when the engine lacks it). Exits non-zero, saying why, when it cannot;
# the container tests then show as skipped with the reason. PVH_CONTAINER_TESTS=no skips all this.
set -euo pipefail
cd "$(dirname "$0")/../.."
image=${PVH_QEMU_IMAGE:-pvh-qemu:bookworm-backports}

if [ "${PVH_CONTAINER_TESTS:-yes}" = no ]; then
  echo "ci/qemu-container/prepare.sh: PVH_CONTAINER_TESTS=no: not starting a Docker engine" >&2
  exit 1
fi
ci/docker-engine.sh start
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "ci/qemu-container/prepare.sh: image $image is there" >&2
else
  ci/qemu-container/build.sh "$image"
fi
