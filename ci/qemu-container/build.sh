#!/usr/bin/env bash
# Builds the QEMU container image the container backend runs, with no registry:
# a Debian root filesystem made here by debootstrap, the chosen QEMU installed into it with apt,
# then `docker import`ed. No FROM, no pull.
#
#   ci/qemu-container/build.sh [tag]          default tag: pvh-qemu:bookworm-backports
#
# Environment:
#   PVH_QEMU_BASE_SUITE   the root filesystem's suite            (default bookworm)
#   PVH_QEMU_SUITE        the suite QEMU comes from               (default bookworm-backports)
#   PVH_QEMU_VERSION      an exact QEMU package version to install (default: the suite's newest)
#   PVH_DEBIAN_MIRROR     the Debian mirror; else the one the host's apt sources use
#
# The mirror is only ever read from the environment or the host's apt sources: it is not written
# into this script nor left in the image (the image's apt sources are removed at the end).
# Needs root (or sudo), debootstrap (installed from Debian when missing) and a running engine
# (ci/docker-engine.sh start). Prints how long it took on stderr.
set -euo pipefail

tag=${1:-pvh-qemu:bookworm-backports}
base_suite=${PVH_QEMU_BASE_SUITE:-bookworm}
qemu_suite=${PVH_QEMU_SUITE:-bookworm-backports}
qemu_version=${PVH_QEMU_VERSION:-}
packages=(qemu-system-x86 qemu-system-arm)

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
say() { echo "ci/qemu-container/build.sh: $*" >&2; }
started=$(date +%s.%N)
elapsed() { awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# The Debian archive URI the host's apt reads $base_suite from (deb822 or one-line sources).
host_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    awk -v suite="$base_suite" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uri = ""; ok_suite = 0; ok_type = 0; enabled = 1
        for (i = 1; i <= NF; i++) {
          split($i, kv, ":[ \t]*")
          key = tolower(kv[1]); value = substr($i, length(kv[1]) + 2); sub(/^[ \t]+/, "", value)
          if (key == "uris") { split(value, u, /[ \t]+/); uri = u[1] }
          if (key == "types" && value ~ /(^|[ \t])deb([ \t]|$)/) ok_type = 1
          if (key == "suites" && (" " value " ") ~ (" " suite " ")) ok_suite = 1
          if (key == "enabled" && tolower(value) == "no") enabled = 0
        }
        if (uri != "" && ok_suite && ok_type && enabled) { print uri; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    awk -v suite="$base_suite" '
      $1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) { print $i; exit }
      }' "$f"
  done
}

mirror=${PVH_DEBIAN_MIRROR:-$(host_mirror | head -n 1)}
if [ -z "$mirror" ]; then
  say "no Debian mirror: the host's apt sources name none for $base_suite; set PVH_DEBIAN_MIRROR"
  exit 1
fi
if ! docker version >/dev/null 2>&1; then
  say "no Docker engine answers; run ci/docker-engine.sh start first"
  exit 1
fi
if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  "${as_root[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends \
    debootstrap >&2
fi

work=$(mktemp -d /var/tmp/pvh-qemu-rootfs.XXXXXX)
root="$work/root"
cleanup() {
  "${as_root[@]}" umount "$root/proc" 2>/dev/null || true
  "${as_root[@]}" rm -rf "$work"
}
trap cleanup EXIT

say "debootstrap $base_suite (minbase)"
"${as_root[@]}" debootstrap --variant=minbase "$base_suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  say "debootstrap failed; the end of its log:"
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}
say "root filesystem ready after $(elapsed) s"

in_root() { "${as_root[@]}" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }

"${as_root[@]}" mount -t proc proc "$root/proc"
printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$root/usr/sbin/policy-rc.d" >/dev/null
"${as_root[@]}" chmod +x "$root/usr/sbin/policy-rc.d"
if [ "$qemu_suite" != "$base_suite" ]; then
  echo "deb $mirror $qemu_suite main" | "${as_root[@]}" tee "$root/etc/apt/sources.list.d/qemu.list" >/dev/null
fi
in_root apt-get update -q >&2
install=()
for p in "${packages[@]}"; do install+=("$p${qemu_version:+=$qemu_version}"); done
say "installing ${install[*]} from $qemu_suite"
in_root apt-get install -y -q --no-install-recommends -t "$qemu_suite" "${install[@]}" >&2
version=$(in_root dpkg-query -W -f '${Version}' qemu-system-x86)
reported=$(in_root qemu-system-x86_64 --version | head -n 1)
say "installed: $reported"

# What the image does not need: package caches and lists, docs; and whatever names the mirror
# (apt sources, debootstrap's and apt's logs).
in_root apt-get clean
"${as_root[@]}" rm -rf "$root/var/lib/apt/lists/"* "$root/usr/share/doc" "$root/usr/share/man" \
  "$root/usr/share/locale" "$root/usr/sbin/policy-rc.d" "$root/etc/apt/sources.list" \
  "$root/etc/apt/sources.list.d/"* \
  "$root/var/log/bootstrap.log" "$root/var/log/apt/"*
"${as_root[@]}" umount "$root/proc"

say "importing as $tag"
"${as_root[@]}" tar -C "$root" --numeric-owner -c . |
  docker import \
    --change 'CMD ["/bin/sh"]' \
    --change "LABEL dev.pvpanic.harness.qemu-package=$version" \
    --change "LABEL dev.pvpanic.harness.qemu-suite=$qemu_suite" \
    --change "LABEL dev.pvpanic.harness.base-suite=$base_suite" \
    - "$tag" >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$tag")
say "built $tag ($reported, $((size / 1024 / 1024)) MiB) in $(elapsed) s"
