#!/usr/bin/env bash
# The tests: unit tests (Surefire, *Test) and the real-guest tests (Failsafe, *IT).
# Installs what is missing first. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
exec mvn -B verify "$@"
