#!/usr/bin/env bash
# Installs what the harness needs on a Debian machine, only what is missing:
# QEMU for the three architectures, and the cross compiler that builds pvpanic modules
# for Debian's arm64 kernels (which ship without them); and the account pvh-qemu that QEMU drops
# to when the harness runs as root (no home, no shell, a group of its own).
# Runs as root, or through sudo when it is there.
set -euo pipefail

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

need=()
command -v qemu-system-x86_64  >/dev/null || need+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
# qemu-system-riscv64 and its OpenSBI (-bios default): bookworm's qemu-system-misc has both (the
# firmware through qemu-system-data); from trixie qemu-system-misc depends on qemu-system-riscv,
# which depends on opensbi
command -v qemu-system-riscv64 >/dev/null || need+=(qemu-system-misc)
command -v aarch64-linux-gnu-gcc-12 >/dev/null || need+=(gcc-12-aarch64-linux-gnu)
command -v make >/dev/null || need+=(make)
# the debian userland's disk: mmdebstrap installs the pinned packages, mke2fs makes the ext4 disk,
# qemu-user-static runs an arm64 system's maintainer scripts (through binfmt_misc, below)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v mke2fs >/dev/null || [ -x /sbin/mke2fs ] || need+=(e2fsprogs)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
# mmdebstrap refuses a foreign architecture without arch-test (a Recommends, which
# --no-install-recommends leaves out): "E: install arch-test for foreign architecture support"
command -v arch-test >/dev/null || need+=(arch-test)
command -v update-binfmts >/dev/null || need+=(binfmt-support)
# KunitParserIT runs the kernel's tools/testing/kunit/kunit_parser.py over results.ktap
command -v python3 >/dev/null || need+=(python3)
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn  >/dev/null || need+=(maven)

if [ ${#need[@]} -gt 0 ]; then
  echo "ci/setup.sh: installing ${need[*]}" >&2
  "${as_root[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# binfmt_misc lets mmdebstrap run an arm64 system's maintainer scripts with qemu-user-static; on a
# machine not booted with systemd nothing mounts or enables it
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  "${as_root[@]}" mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && command -v update-binfmts >/dev/null; then
  "${as_root[@]}" update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
fi

if ! getent passwd pvh-qemu >/dev/null; then
  echo "ci/setup.sh: adding the system account pvh-qemu (QEMU runs as it under a root harness)" >&2
  "${as_root[@]}" useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin pvh-qemu
fi
