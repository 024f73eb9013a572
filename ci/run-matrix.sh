#!/usr/bin/env bash
# The main job: runs a guest config's matrix (default guest-configs/smoke.yaml) end to end through
# the JUnit matrix test (real guests, Allure results), then writes the report: the matrix summary
# (HTML grid, Markdown, PNG screenshot) and the single-file Allure HTML, and prints the table.
# Installs what is missing first.
#   ci/run-matrix.sh [config] [maven args]     e.g. ci/run-matrix.sh guest-configs/full.yaml -Dpvh.shard=2/3
# Exit status: 0 when every cell passed, 1 when a cell failed, 3 when the report could not be written.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
# What this machine has (see ci/test.sh): a cell its QEMU build cannot run here fails, naming what
# is missing, instead of being skipped. PVH_REQUIRE set by the caller wins; PVH_CONTAINER_TESTS=no
# leaves the container engine out (container cells are then skipped, saying so).
default_require=qemu,debian-archive
[ "${PVH_CONTAINER_TESTS:-yes}" = no ] || default_require+=,container
export PVH_REQUIRE="${PVH_REQUIRE-$default_require}"
caller=ci/run-matrix.sh
. ci/container-preparation.sh
config=guest-configs/smoke.yaml
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  config="$1"
  shift
fi
build="${PVH_BUILD_DIR:-$PWD/target}"
# a report of this run only: no cells or Allure results of an earlier run
rm -rf "$build/cells" "$build/allure-results" "$build/report"

start=$(date +%s)
status=0
mvn -B -Dpvh.build.dir="$build" verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=MatrixIT -Dpvh.config="$config" -Dspotless.check.skip=true "$@" || status=1
export PVH_WALL_SECONDS=$(( $(date +%s) - start ))

export PVH_BUILD_DIR="$build"
ci/report.sh || { echo "ci/run-matrix.sh: the report could not be written" >&2; [ "$status" -ne 0 ] || status=3; }
[ ! -f "$build/report/summary.md" ] || cat "$build/report/summary.md"
echo "matrix: $config, ${PVH_WALL_SECONDS}s wall; report: $build/report/summary.html (Allure: $build/report/allure/index.html)"
exit "$status"
