#!/usr/bin/env bash
# The main job: runs a guest config's matrix (default guest-configs/smoke.yaml) end to end, 2
# guests at a time, prints the table of verdicts and times, and writes its report. Installs what
# is missing first. Extra arguments go to `pvpanic matrix` (e.g. --shard 2/3, --parallel 4).
# Exit status: the worst cell's (0 pass, 1 fail, 2 usage, 3 infrastructure).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
config=guest-configs/smoke.yaml
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  config="$1"
  shift
fi
status=0
ci/pvpanic matrix "$config" "$@" || status=$?

# --- REPORT: the report generation goes here (ci/report.sh, from the report helper). It reads the
# --- cells' artifacts under target/cells/<config name>/ and must not change $status.

exit "$status"
