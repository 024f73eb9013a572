#!/usr/bin/env bash
# Writes the reports of a matrix run and says where they are:
#   ci/report.sh [cellsDir] [outDir] [--run-id=ID] [--origin=ORIGIN] [--artifacts-url=URL]
#   <outDir>/summary.html   the matrix as one self-contained page (grid of recipes x scenarios)
#   <outDir>/summary.md     totals and a table of cells, e.g. for $GITHUB_STEP_SUMMARY
#   <outDir>/summary.png    a screenshot of summary.html (headless chromium)
#   <outDir>/allure/index.html and allure.png, when the run left Allure results
# cellsDir defaults to the newest folder under <build>/cells, outDir to <build>/report, where
# <build> is $PVH_BUILD_DIR or target/. $PVH_WALL_SECONDS, when set, is shown as the wall time.
# $PVH_REPORT_SCREENSHOTS=0 skips the screenshots. The --flags (or $PVH_RUN_ID, $PVH_KCIDB_ORIGIN,
# $PVH_ARTIFACTS_URL) go to kcidb.json: the run id (else the one the run recorded in
# <cellsDir>/run*.json), the origin, and where <cellsDir>'s parent is served (the files' URLs).
# Exits non-zero when any part failed (after trying every part).
set -euo pipefail
cd "$(dirname "$0")/.."

build="${PVH_BUILD_DIR:-$PWD/target}"
flags=()
positional=()
for a in "$@"; do
  case "$a" in
    --*) flags+=("$a") ;;
    *) positional+=("$a") ;;
  esac
done
set -- "${positional[@]}"
cells="${1:-}"
if [ -z "$cells" ]; then
  cells="$(ls -1dt "$build"/cells/*/ 2>/dev/null | head -n 1 || true)"
  if [ -z "$cells" ]; then
    echo "ci/report.sh: no cells folder under $build/cells; give one: ci/report.sh <cellsDir> [outDir]" >&2
    exit 1
  fi
fi
cells="${cells%/}"
out="${2:-$build/report}"
mkdir -p "$out"

args=("$cells" "$out" "${flags[@]}")
# the Allure results of the run get its Environment panel (machine, QEMU builds, kernels, commit)
! compgen -G "$build/allure-results/*-result.json" >/dev/null \
  || args+=("--allure-results=$build/allure-results")
[ -z "${PVH_WALL_SECONDS:-}" ] || args+=("--wall-time=$PVH_WALL_SECONDS")
failed=()
# the compiled classes and their runtime classpath, then a plain java: no plugin to fetch
# shellcheck disable=SC2086  # PVH_MAVEN_FLAGS is a list of flags
mvn -B -q -Dstyle.color=never ${PVH_MAVEN_FLAGS:-} -Dpvh.build.dir="$build" compile dependency:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$build/report-classpath.txt" \
  || { echo "ci/report.sh: could not compile the harness" >&2; exit 1; }
java -cp "$build/classes:$(cat "$build/report-classpath.txt")" \
  dev.pvpanic.harness.report.ReportMain "${args[@]}" \
  || { echo "ci/report.sh: the matrix summary failed" >&2; exit 1; }

allure=""
if compgen -G "$build/allure-results/*-result.json" >/dev/null; then
  if ci/allure-report.sh "$build/allure-results" "$out/allure"; then
    allure="$out/allure/index.html"
  else
    failed+=("allure report")
  fi
fi

if [ "${PVH_REPORT_SCREENSHOTS:-1}" != 0 ]; then
  # the page says how big a window shows all of it (every grid, every column)
  page_size=$(sed -n 's/.*<meta name="pvh-page-size" content="\([0-9]*,[0-9]*\)".*/\1/p' \
    "$out/summary.html" | head -n 1)
  SCREENSHOT_SIZE=${page_size:-1400,900} ci/screenshot.sh "$out/summary.html" "$out/summary.png" \
    || failed+=("summary screenshot")
  if [ -n "$allure" ]; then
    # Allure is a single-page app: give its scripts time to render before the shot
    SCREENSHOT_WAIT_MS=15000 ci/screenshot.sh "$allure" "$out/allure.png" \
      || failed+=("allure screenshot")
  fi
fi

echo
echo "reports of $cells:"
for f in "$out/summary.html" "$out/summary.md" "$out/summary.png" "$allure" "$out/allure.png"; do
  [ -n "$f" ] && [ -f "$f" ] && echo "  $f"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "ci/report.sh: failed: ${failed[*]}" >&2
  exit 1
fi
