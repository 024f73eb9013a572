#!/usr/bin/env bash
# The main job: runs a guest config's matrix (default guest-configs/smoke.yaml) and writes
# its report. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
config="${1:-guest-configs/smoke.yaml}"
exec mvn -B -q -DskipTests package exec:java -Dexec.mainClass=dev.pvpanic.harness.cli.Main -Dexec.args="matrix $config"
