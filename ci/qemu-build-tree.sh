#!/usr/bin/env bash
# A QEMU developer's build tree as a QEMU build value, end to end. Fetches Debian's qemu source
# package (bookworm: QEMU 7.2) through the harness's verified Debian client (pvpanic images
# qemu-source: signed InRelease, Sources index and every file checked by SHA-256), unpacks the
# upstream tarball, installs the build dependencies with apt, configures ONE target,
# aarch64-softmmu (the virt machine boots -kernel without firmware blobs, which Debian's +dfsg
# tarball strips), with as few features as possible, builds it, then runs the seed article's three
# scenarios (guest-configs/build-tree.yaml) on it with qemu: "build:<build folder>".
#
# Slow the first time (the compile is tens of minutes on 2 cores): not part of ci/test.sh. The build
# folder is kept under the cache and reused while the source and the flags are the same.
# Exits non-zero unless every cell PASSes.
#   bash ci/qemu-build-tree.sh
# Then the same cells as a JUnit test (the folder is printed at the end):
#   mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BuildTreeIT \
#     -Dpvh.build-tree=<build folder>
# PVH_QEMU_SOURCE_SUITE (default bookworm) and PVH_QEMU_SOURCE_VERSION choose the source package;
# PVH_JOBS the compile's parallelism (default 2); PVH_CACHE_DIR the cache, as for the harness.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

suite="${PVH_QEMU_SOURCE_SUITE:-bookworm}"
version="${PVH_QEMU_SOURCE_VERSION:-}"
jobs="${PVH_JOBS:-2}"
target=aarch64-softmmu
binary=qemu-system-aarch64
# shellcheck source=ci/lib/build-steps.sh
source "$root/ci/lib/build-steps.sh"
work="$cache/qemu-build-tree"
# What a build needs, and no more: a compiler, meson and ninja, and the libraries QEMU 7.2's system
# emulation cannot do without (glib, pixman, zlib) plus libfdt for the virt machine (the dtc
# submodule is not in the tarball), and libseccomp so the tree's QEMU can run under -sandbox like
# every other build. 7.2 needs no Python venv; flex and bison only build dtc.
packages=(gcc make pkg-config meson ninja-build python3 xz-utils
  libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev libseccomp-dev)
configure_flags=(
  --target-list="$target"
  --without-default-features # every optional library off: no SDL, GTK, VNC, slirp, ...
  --enable-fdt=system        # the virt machine needs a device tree; Debian strips dtc
  --enable-seccomp           # -sandbox: the harness confines every QEMU it can (issue 29)
  --disable-docs
  --disable-werror           # a newer compiler's warnings must not stop the build
  --disable-install-blobs    # the +dfsg tarball has no firmware binaries to install
  --disable-debug-info       # a smaller, faster compile; the tree is for running guests
  --disable-user
)

trap summary EXIT

mkdir -p "$work"
src="$work/source-$suite"

# 1. The source package, verified. The jar is built first when missing or stale (ci/pvpanic).
step harness-jar ci/pvpanic --help >/dev/null
fetch() {
  rm -rf "$src.new"
  ci/pvpanic images qemu-source --suite "$suite" ${version:+--version "$version"} \
    --out "$src.new" >"$work/source.sha256"
  (cd "$src.new" && sha256sum --quiet -c "$work/source.sha256")
  rm -rf "$src"
  mv "$src.new" "$src"
}
step fetch fetch
cat "$work/source.sha256" >&2
orig="$(find "$src" -maxdepth 1 -name '*.orig.tar.*' ! -name '*.asc' | head -1)"
[ -n "$orig" ] || { echo "ci/qemu-build-tree.sh: no .orig.tar.* in $src" >&2; exit 3; }
top="$(tar -tf "$orig" 2>/dev/null | head -1 || true)"
top="${top%%/*}"
srcdir="$work/$top"
build="$work/build-$top-$target"
stamp="$build/.pvh-build-tree"
want="$(sha256sum "$orig" | cut -d' ' -f1) ${configure_flags[*]}"

# 2. Build dependencies: only those not installed yet.
step deps install_missing "${packages[@]}"

# 3-5. Unpack, configure, build; skipped when this source was built with these flags.
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$build/$binary" ]; then
  echo "== reusing $build (built from $(basename "$orig") with the same flags)" >&2
else
  unpack() {
    rm -rf "$srcdir" "$build"
    tar -xf "$orig" -C "$work"
    # Debian strips pc-bios/edk2-*.fd.bz2 from the tarball; its build chroot has no bzip2, so
    # QEMU 7.2's meson.build skips unpacking them. On a host with bzip2 it would look for the
    # missing files and fail: make that decision explicit (the one edit of the upstream tree).
    local edk2='unpack_edk2_blobs = bzip2.found()'
    if ! ls "$srcdir"/pc-bios/edk2-*.fd.bz2 >/dev/null 2>&1 && grep -qF "$edk2" "$srcdir/meson.build"; then
      sed -i "s/$edk2/unpack_edk2_blobs = false # pvpanic-harness: no edk2 blobs in +dfsg/" \
        "$srcdir/meson.build"
      echo "meson.build: edk2 blobs not unpacked (not in the +dfsg tarball)" >&2
    fi
  }
  step unpack unpack
  configure() {
    mkdir -p "$build"
    (cd "$build" && "$srcdir/configure" "${configure_flags[@]}") >"$work/configure.log" 2>&1 || {
      tail -40 "$work/configure.log" >&2
      return 1
    }
    grep -E '^ +(Build directory|TCG support|fdt support|pixman) *:' "$work/configure.log" >&2 || true
  }
  step configure configure
  compile() {
    nice -n 10 make -C "$build" -j"$jobs" >"$work/build.log" 2>&1 || {
      grep -E 'error|Error' "$work/build.log" | head -20 >&2
      tail -20 "$work/build.log" >&2
      return 1
    }
  }
  step build compile
  echo "$want" >"$stamp"
fi
qemu_version="$("$build/$binary" --version | head -1)"
echo "== built: $build/$binary: $qemu_version" >&2

# 6. The seed scenarios on the tree.
tmp="$(mktemp -d)"
trap 'summary; rm -rf "$tmp"' EXIT
sed "s|@BUILD_TREE@|$build|g" guest-configs/build-tree.yaml >"$tmp/build-tree.yaml"
cells="$(grep -c '^ *- {name:' "$tmp/build-tree.yaml")"
run_cells() { ci/pvpanic matrix "$tmp/build-tree.yaml" | tee "$tmp/matrix.out"; }
rc=0
step cells run_cells || rc=$?
line="$(grep -E '^[0-9]+ cells: ' "$tmp/matrix.out" | tail -1 || true)"
echo "== QEMU: $qemu_version; tree: $build" >&2
if [ "$rc" != 0 ] || ! [[ "$line" =~ ^$cells\ cells:\ $cells\ PASS\; ]]; then
  echo "ci/qemu-build-tree.sh: not every cell passed (matrix exit $rc): ${line:-no summary}" >&2
  exit "$([ "$rc" != 0 ] && echo "$rc" || echo 1)"
fi
echo "== all $cells cells PASS; the JUnit twin: mvn -B verify -Dtest=none" \
  "-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BuildTreeIT -Dpvh.build-tree=$build" >&2
