#!/usr/bin/env bash
# The tests: unit tests (Surefire, *Test) and the real-guest tests (Failsafe, *IT).
# Installs what is missing first. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
# Container tests: an engine and the QEMU image when they can be had; else they are skipped.
ci/qemu-container/prepare.sh || echo "ci/test.sh: the container tests will be skipped" >&2
exec mvn -B verify "$@"
