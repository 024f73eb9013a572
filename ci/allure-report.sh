#!/usr/bin/env bash
# Builds the Allure report of the matrix tests as ONE offline HTML file:
#   ci/allure-report.sh [resultsDir] [reportDir]
# resultsDir defaults to <build>/allure-results, reportDir to <build>/allure-report, where
# <build> is $PVH_BUILD_DIR or target/. Writes <reportDir>/index.html (Allure 2, single file:
# opens from disk, no server, no network). The Allure commandline is a Maven artifact
# (io.qameta.allure:allure-commandline, pinned in pom.xml): the first run needs Maven Central
# or a mirror, later runs work offline. Extra Maven flags go in $PVH_MAVEN_FLAGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."

build="${PVH_BUILD_DIR:-$PWD/target}"
results="${1:-$build/allure-results}"
report="${2:-$build/allure-report}"
abs() { mkdir -p "$1" && (cd "$1" && pwd); }

if ! compgen -G "$results/*-result.json" >/dev/null; then
  echo "ci/allure-report.sh: no Allure results (*-result.json) in $results; run the tests first" >&2
  exit 1
fi
results="$(abs "$results")"
report="$(abs "$report")"
# the categories the report sorts failures into (wrong events, timeouts, infrastructure)
[ -f "$results/categories.json" ] || cp src/test/resources/categories.json "$results/"

# shellcheck disable=SC2086  # PVH_MAVEN_FLAGS is a list of flags
mvn -B -q -Dstyle.color=never ${PVH_MAVEN_FLAGS:-} -Dpvh.build.dir="$build" \
  -Dpvh.allure.results="$results" -Dpvh.allure.report="$report" \
  dependency:unpack@allure-commandline allure:report

if [ ! -s "$report/index.html" ]; then
  echo "ci/allure-report.sh: Allure wrote no $report/index.html" >&2
  exit 1
fi
echo "allure: $report/index.html"
