#!/usr/bin/env bash
# The fresh-clone figures (issue 28's first goal), measured, never asserted: a fresh clone of this
# checkout's HEAD runs the README's main job (ci/run-matrix.sh, default guest-configs/smoke.yaml)
# on an EMPTY harness cache in a temporary folder, and the time from the clone to the first cell's
# verdict and to the whole report is printed, with the load average. `ci/benchmark.sh --fresh
# [config]` runs it. Everything the harness caches (Debian packages, images, QEMU closures,
# snapshots) is fetched and made again; what is not the harness's stays as this machine has it
# (apt packages, ~/.m2, the container engine's images), and the printout says so.
# Writes <build>/bench/fresh-<config>.log (every line stamped with its second since the clone) and
# .json; the temporary folder (clone, cache, build) is removed at the end, failed or not.
# Exit status: the main job's.
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-guest-configs/smoke.yaml}"
[ -f "$config" ] || { echo "ci/fresh-clone.sh: no guest config '$config'" >&2; exit 2; }
name="$(basename "$config" .yaml)"
bench="${PVH_BUILD_DIR:-$PWD/target}/bench"
mkdir -p "$bench"
log="$bench/fresh-$name.log"
head="$(git rev-parse --short HEAD)"
[ -z "$(git status --porcelain --untracked-files=no)" ] \
  || echo "ci/fresh-clone.sh: the checkout has uncommitted changes; the clone runs HEAD ($head) without them" >&2

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pvh-fresh.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# killed or interrupted: exit through the EXIT trap, so the temporary folder goes too
trap 'exit 143' TERM
trap 'exit 130' INT
echo "fresh clone of $head into $tmp, empty harness cache; running ci/run-matrix.sh $config ..." >&2

# this run's lines only: a run killed before its end leaves its .part behind
rm -f "$log.part"
start=$EPOCHREALTIME
git clone -q "$PWD" "$tmp/clone"
first=""
status=0
# every line stamped with its seconds since the clone; the first "[1/N ...]" line is the first verdict
while IFS= read -r line; do
  t=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  printf '%7s %s\n' "$t" "$line" >>"$log.part"
  if [ -z "$first" ] && [[ "$line" =~ ^\[1/[0-9]+\  ]]; then
    first="$t"
    echo "first verdict after ${first} s: $line" >&2
  fi
done < <(cd "$tmp/clone" && PVH_CACHE_DIR="$tmp/cache" PVH_BUILD_DIR="$tmp/build" \
  ci/run-matrix.sh "$config" 2>&1; echo "PVH-FRESH-EXIT $?")
total=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
mv "$log.part" "$log"
status="$(awk '$2 == "PVH-FRESH-EXIT" { print $3 }' "$log" | tail -n 1)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
cells="$(grep -cE '^ *[0-9.]+ \[[0-9]+/[0-9]+ ' "$log" || true)"
cat >"$bench/fresh-$name.json" <<EOF
{"config": "$config", "commit": "$head", "firstVerdictSeconds": ${first:-null},
 "wholeReportSeconds": $total, "exitStatus": ${status:-null}, "verdictLines": $cells,
 "loadAverageAtEnd": "$load", "cores": $(nproc)}
EOF
echo "fresh clone ($head, $config; empty harness cache; this machine's apt packages, ~/.m2 and container images as they are):"
printf '  %-34s %s\n' "clone to the first verdict" "${first:-none} s" \
  "clone to the whole report" "$total s (main job exit status ${status:-?}, $cells verdict lines)" \
  "load average at the end" "$load ($(nproc) cores)"
echo "log: $log"
exit "${status:-1}"
