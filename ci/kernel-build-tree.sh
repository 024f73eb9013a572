#!/usr/bin/env bash
# A kernel developer's build tree as the kernel under test, end to end. Takes Debian's
# linux-source-<series> package as the lock already pins it for a recipe's module build (pvpanic
# images kernel-source: the pinned .deb from the cache or the archive, checked against the pin's
# SHA-256 and its own control file), unpacks its tarball, configures a SMALL x86_64 kernel (below),
# builds bzImage and modules with O= (the source stays clean), then runs the seed article's three
# scenarios, a watchdog and an oops cell on it (guest-configs/kernel-build-tree.yaml, recipe:
# "build:<build folder>").
#
# How the config was chosen: from `make tinyconfig` (the smallest x86_64 kernel kbuild makes; it
# already boots under QEMU) only what a cell needs is switched on, each for a reason:
#   boot and console: PRINTK, TTY, SERIAL_8250 + SERIAL_8250_CONSOLE (console=ttyS0), BINFMT_ELF,
#     BINFMT_SCRIPT (the guest init is a busybox script), BLK_DEV_INITRD + RD_GZIP (the image is a
#     gzip initramfs), DEVTMPFS, PROC_FS, PROC_SYSCTL, SYSFS (images/guest/init mounts all three and
#     reads /sys/kernel, /sys/module, /proc/sys/kernel), MULTIUSER, FUTEX, POSIX_TIMERS (busybox
#     and the dynamically linked kexec-tools with glibc)
#   pvpanic: PVPANIC=y with PVPANIC_PCI=m and PVPANIC_MMIO=m (the layout of Debian's amd64 kernels:
#     the modules the image loads at boot), ACPI (the ISA device is found as ACPI QEMU0001), PCI
#   kdump: KEXEC, KEXEC_FILE (x86 loads with kexec -s), CRASH_DUMP, PROC_VMCORE, RELOCATABLE
#   triggers: MAGIC_SYSRQ (+ _SERIAL), MODULES + MODULE_UNLOAD (pvh_oops, i6300esb), WATCHDOG +
#     I6300ESB_WDT=m (the watchdog cell), BUG and KALLSYMS (an oops that reads like one)
#   PANIC_TIMEOUT=0 (no reboot of its own after a panic), LOCALVERSION=-pvh, no module signing
# Left out on purpose: SMP (one vCPU is enough for every cell), networking, block devices, every
# file system but the initramfs. After olddefconfig every symbol asked for is checked: one that
# kconfig dropped (a missing dependency) stops the script naming it.
#
# Slow the first time (the compile takes tens of minutes on 2 cores, at nice 19): not part of
# ci/test.sh. The unpacked source and the build folder are kept under the cache and reused: a second
# run only re-makes what changed. Exits non-zero unless every cell PASSes.
#   bash ci/kernel-build-tree.sh
# Then the same cells as a JUnit test (the folder is printed at the end):
#   mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=KernelBuildTreeIT \
#     -Dpvh.kernel-build-tree=<build folder>
# PVH_KERNEL_SOURCE_SERIES (default 7.2) chooses linux-source-<series> (the lock must pin it);
# PVH_JOBS the compile's parallelism (default: nproc); PVH_CACHE_DIR the cache, as for the harness.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

series="${PVH_KERNEL_SOURCE_SERIES:-7.2}"
jobs="${PVH_JOBS:-$(nproc)}"
# shellcheck source=ci/lib/build-steps.sh
source "$root/ci/lib/build-steps.sh"
work="$cache/kernel-build-tree"
src="$work/linux-source-$series"
build="$work/build-x86_64"
# What kbuild needs beyond a C toolchain: flex and bison (kconfig), bc, libelf (objtool), cpio.
packages=(gcc make bc flex bison libelf-dev libssl-dev cpio xz-utils)
enable=(64BIT PRINTK TTY SERIAL_8250 SERIAL_8250_CONSOLE BINFMT_ELF BINFMT_SCRIPT BLK_DEV_INITRD
  RD_GZIP DEVTMPFS PROC_FS PROC_SYSCTL SYSFS MULTIUSER FUTEX POSIX_TIMERS PVPANIC ACPI PCI KEXEC
  KEXEC_FILE CRASH_DUMP PROC_VMCORE RELOCATABLE MAGIC_SYSRQ MAGIC_SYSRQ_SERIAL MODULES
  MODULE_UNLOAD WATCHDOG BUG KALLSYMS)
modules=(PVPANIC_PCI PVPANIC_MMIO I6300ESB_WDT)
disable=(MODULE_SIG MODVERSIONS WERROR LOCALVERSION_AUTO)

trap summary EXIT

mkdir -p "$work"

# 1. The source tarball, from the pinned linux-source .deb, verified.
step harness-jar ci/pvpanic --help >/dev/null
fetch() {
  rm -rf "$work/tarball.new"
  ci/pvpanic images kernel-source --series "$series" --out "$work/tarball.new" >"$work/source.sha256"
  (cd "$work/tarball.new" && sha256sum --quiet -c "$work/source.sha256")
  rm -rf "$work/tarball"
  mv "$work/tarball.new" "$work/tarball"
}
step fetch fetch
cat "$work/source.sha256" >&2
tarball="$work/tarball/linux-source-$series.tar.xz"
tar_sha="$(cut -d' ' -f1 "$work/source.sha256")"

# 2. Build dependencies: only those not installed yet.
step deps install_missing "${packages[@]}"

# 3. Unpack, unless this tarball is unpacked already (the stamp lies beside the tree, not in it).
if [ "$(cat "$src.stamp" 2>/dev/null)" = "$tar_sha" ] && [ -f "$src/Makefile" ]; then
  echo "== reusing $src (unpacked from the same tarball)" >&2
else
  unpack() {
    rm -rf "$src" "$build"
    nice -n 19 tar -xJf "$tarball" -C "$work"
    [ -f "$src/Makefile" ] || { echo "no $src/Makefile after unpacking $tarball" >&2; return 1; }
    echo "$tar_sha" >"$src.stamp"
  }
  step unpack unpack
fi

# 4. Configure: tinyconfig plus exactly the symbols above, then check kconfig kept each of them.
want="$tar_sha ${enable[*]} m:${modules[*]} n:${disable[*]}"
if [ "$(cat "$build.stamp" 2>/dev/null)" = "$want" ] && [ -f "$build/.config" ]; then
  echo "== reusing the config of $build" >&2
else
  configure() {
    mkdir -p "$build"
    local kmake=(make -s -C "$src" O="$build" ARCH=x86_64)
    "${kmake[@]}" tinyconfig
    local args=() s
    for s in "${enable[@]}"; do args+=(-e "$s"); done
    for s in "${modules[@]}"; do args+=(-m "$s"); done
    for s in "${disable[@]}"; do args+=(-d "$s"); done
    "$src/scripts/config" --file "$build/.config" "${args[@]}" \
      --set-val PANIC_TIMEOUT 0 --set-str LOCALVERSION -pvh
    "${kmake[@]}" olddefconfig
    local dropped=()
    for s in "${enable[@]}"; do grep -qx "CONFIG_$s=y" "$build/.config" || dropped+=("$s=y"); done
    for s in "${modules[@]}"; do grep -qx "CONFIG_$s=m" "$build/.config" || dropped+=("$s=m"); done
    if [ "${#dropped[@]}" != 0 ]; then
      echo "kconfig did not keep: ${dropped[*]} (a dependency is missing)" >&2
      return 1
    fi
    echo "$want" >"$build.stamp"
  }
  step configure configure
fi

# 5. Build: incremental, at the lowest priority (others boot guests on this machine).
compile() {
  nice -n 19 make -C "$src" O="$build" ARCH=x86_64 -j"$jobs" bzImage modules >"$work/build.log" 2>&1 || {
    grep -E 'error|Error' "$work/build.log" | head -20 >&2
    tail -20 "$work/build.log" >&2
    return 1
  }
}
step build compile
echo "== built: $build/arch/x86/boot/bzImage ($(cat "$build/include/config/kernel.release"))" >&2

# 6. The cells on the tree.
tmp="$(mktemp -d)"
trap 'summary; rm -rf "$tmp"' EXIT
sed "s|@BUILD_TREE@|$build|g" guest-configs/kernel-build-tree.yaml >"$tmp/kernel-build-tree.yaml"
cells="$(grep -c '^ *- {name:' "$tmp/kernel-build-tree.yaml")"
run_cells() { ci/pvpanic matrix "$tmp/kernel-build-tree.yaml" --parallel 1 | tee "$tmp/matrix.out"; }
rc=0
step cells run_cells || rc=$?
line="$(grep -E '^[0-9]+ cells: ' "$tmp/matrix.out" | tail -1 || true)"
if [ "$rc" != 0 ] || ! [[ "$line" =~ ^$cells\ cells:\ $cells\ PASS\; ]]; then
  echo "ci/kernel-build-tree.sh: not every cell passed (matrix exit $rc): ${line:-no summary}" >&2
  exit "$([ "$rc" != 0 ] && echo "$rc" || echo 1)"
fi
echo "== all $cells cells PASS; the JUnit twin: mvn -B verify -Dtest=none" \
  "-Dsurefire.failIfNoSpecifiedTests=false -Dit.test=KernelBuildTreeIT" \
  "-Dpvh.kernel-build-tree=$build" >&2
