#!/usr/bin/env bash
# The main job: runs a guest config's matrix (default guest-configs/smoke.yaml) and writes
# its report. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
# What Testcontainers needs for container cells here (no Ryuk, no pulls); see ci/docker-engine.sh.
eval "$(ci/docker-engine.sh env)"
config="${1:-guest-configs/smoke.yaml}"
exec mvn -B -q -DskipTests package exec:java -Dexec.mainClass=dev.pvpanic.harness.cli.Main -Dexec.args="matrix $config"
