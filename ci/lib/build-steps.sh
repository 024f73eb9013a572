# Sourced by ci/qemu-build-tree.sh, ci/kernel-build-tree.sh and ci/kernel-bisect-demo.sh: the
# harness's cache folder as the harness finds it, timed steps with a summary at exit, and
# running a command as root (directly, or through sudo).

# The cache: PVH_CACHE_DIR, else an absolute XDG_CACHE_HOME (a relative one is invalid, as for the
# harness), else ~/.cache; each with pvpanic-harness below it.
if [ -n "${PVH_CACHE_DIR:-}" ]; then
  cache="$PVH_CACHE_DIR"
elif [[ "${XDG_CACHE_HOME:-}" == /* ]]; then
  cache="$XDG_CACHE_HOME/pvpanic-harness"
else
  cache="$HOME/.cache/pvpanic-harness"
fi

timings=()
now() { date +%s.%N; }
# step NAME COMMAND...: runs COMMAND, records and prints how long it took
step() {
  local name="$1" start rc=0
  shift
  echo "== $name" >&2
  start="$(now)"
  "$@" || rc=$?
  local took
  took="$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
  timings+=("$(printf '%-12s %8ss' "$name" "$took")")
  echo "== $name: ${took}s$([ "$rc" = 0 ] || echo " (FAILED, exit $rc)")" >&2
  return "$rc"
}
# the steps' times, printed at exit (the caller sets: trap summary EXIT)
summary() {
  [ "${#timings[@]}" -gt 0 ] || return 0
  echo "== times" >&2
  printf '   %s\n' "${timings[@]}" >&2
}

# as_root COMMAND...: as root, or through sudo; the caller's ${missing[*]} names what it installs
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "$(basename "$0"): not root and no sudo; install: ${missing[*]:-}" >&2
    return 1
  fi
}

# install_missing PACKAGE...: installs with apt those not installed yet (the caller runs it as a
# step: step deps install_missing "${packages[@]}")
install_missing() {
  missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
  done
  if [ "${#missing[@]}" = 0 ]; then
    echo "all installed: $*" >&2
    return 0
  fi
  echo "installing: ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
