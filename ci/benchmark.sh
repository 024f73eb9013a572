#!/usr/bin/env bash
# The benchmark (not a test): runs a guest config (default guest-configs/smoke.yaml) booting every
# guest and again from snapshots, side by side in one run on one machine state, and prints
# per-phase medians, per-cell medians, wall times, harness overhead and peak memory; writes
# benchmark-<config>.json and .svg under $PVH_BUILD_DIR/bench (default target/bench).
# Further arguments go to the benchmark: --rounds N, --parallel N, --fresh-snapshots, --verbose.
# Maven flags (e.g. -o) can be given in MAVEN_ARGS.
#   ci/benchmark.sh --fresh [config]   instead times a fresh clone running the main job on an
#                                      empty harness cache (ci/fresh-clone.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --fresh ]; then
  shift
  exec ci/fresh-clone.sh "$@"
fi
ci/setup.sh
build="${PVH_BUILD_DIR:-target}"
config="${1:-guest-configs/smoke.yaml}"
shift || true
mvn -B -q -Dpvh.build.dir="$build" -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile="$build/benchmark.classpath" -Dmdep.includeScope=runtime
# Testcontainers settings for container-backed QEMU builds here (no Ryuk, no pulls).
eval "$(ci/docker-engine.sh env)"
# A JVM of its own (not Maven's), so the JVM memory it reports is the harness's.
exec java -Dpvh.build.dir="$build" -cp "$build/classes:$(cat "$build/benchmark.classpath")" \
  dev.pvpanic.harness.bench.Benchmark "$config" "$@"
