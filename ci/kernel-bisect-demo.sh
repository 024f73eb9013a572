#!/usr/bin/env bash
# git bisect run with the harness as the judge, on a real kernel tree: the tree ci/kernel-build-tree.sh
# built (Debian's linux-source, x86_64, O= build folder) becomes a git checkout (branch main: the
# source as Debian ships it), and a branch bisect-demo gets four commits on top, one of which
# re-introduces a real historical pvpanic behaviour: events written whatever the device advertises.
# Upstream commit 487709fa1be2 ("misc: pvpanic: introduce device capability", v5.12) made the driver
# read the capability register and send only advertised events; later kernels keep that as
# `event & pi_cur->capability & pi_cur->events` in pvpanic_send_event(). The bad commit drops the
# mask, as before 5.12. The oracle sees it on a device that advertises PANICKED only
# (-device pvpanic-pci,events=1) with kdump loaded and the panic notifiers run first: Linux >= 5.12
# must send nothing (CRASH_LOADED is not advertised), the bad kernel sends CRASH_LOADED, and QEMU,
# which does not filter writes, emits GUEST_CRASHLOADED: WRONG_EVENTS, exit 1.
#
# Each step: make -j bzImage modules in the O= folder (incremental: pvpanic.o and the link), the
# harness installs the modules, builds the image and boots one cell; git bisect run reads 0/1/125.
# At the end the bisect is reset and main is checked out again, so the tree builds the pristine
# source. LOCALVERSION= (set, empty) keeps kbuild from appending "+" to the release of a git tree
# that is not at an annotated tag, so the release, and the objects that depend on it, stay the same.
#   bash ci/kernel-bisect-demo.sh        (after bash ci/kernel-build-tree.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
series="${PVH_KERNEL_SOURCE_SERIES:-7.2}"
# shellcheck source=ci/lib/build-steps.sh
source "$root/ci/lib/build-steps.sh"
src="$cache/kernel-build-tree/linux-source-$series"
build="$cache/kernel-build-tree/build-x86_64"
[ -f "$build/arch/x86/boot/bzImage" ] || {
  echo "ci/kernel-bisect-demo.sh: no built tree at $build; run bash ci/kernel-build-tree.sh" >&2
  exit 2
}
export LOCALVERSION=
g() { git -C "$src" -c user.name="pvpanic-harness demo" -c user.email="demo@pvpanic-harness.invalid" "$@"; }
start="$(date +%s)"

# 1. The source as Debian ships it, once: branch main, tagged.
if ! g rev-parse -q --verify main >/dev/null 2>&1; then
  echo "== git init $src (the first commit hashes the whole tree: minutes)" >&2
  g init -q -b main
  # -f: Debian's top-level .gitignore ignores everything at the top (its packaging repository
  # holds only debian/); the tree is pristine (built with O=), so nothing generated is added.
  nice -n 19 git -C "$src" add -A -f
  g commit -q -m "Debian linux-source-$series as unpacked by ci/kernel-build-tree.sh"
  g tag -a -m "base of the bisect demonstration" "pvh-demo-base"
fi
g bisect reset >/dev/null 2>&1 || true
g checkout -q main
g branch -q -D bisect-demo >/dev/null 2>&1 || true
g checkout -q -b bisect-demo

# 2. Four commits; the second is the bad one.
pvpanic="drivers/misc/pvpanic/pvpanic.c"
echo " * The capability attribute reads the device register (see pvpanic.c)." \
  >>"$src/Documentation/ABI/testing/sysfs-bus-pci-devices-pvpanic"
g commit -q -am "Documentation: pvpanic: say where capability comes from"
grep -q 'if (event & pi_cur->capability & pi_cur->events)' "$src/$pvpanic" || {
  echo "ci/kernel-bisect-demo.sh: $pvpanic has no capability mask to drop" >&2
  exit 3
}
sed -i 's/if (event & pi_cur->capability & pi_cur->events)/if (event)/' "$src/$pvpanic"
g commit -q -am "misc/pvpanic: send every event (re-introduces the pre-5.12 behaviour)

Drops the mask upstream commit 487709fa1be2 (\"misc: pvpanic: introduce device
capability\") added: events the device does not advertise are written anyway."
bad="$(g rev-parse HEAD)"
echo "/* pvpanic-harness demo: a comment */" >>"$src/drivers/misc/pvpanic/pvpanic-pci.c"
g commit -q -am "misc/pvpanic-pci: a comment"
echo "# pvpanic-harness demo" >>"$src/drivers/misc/pvpanic/Makefile"
g commit -q -am "misc/pvpanic: Makefile comment"
g log --oneline main..bisect-demo >&2

# 3. The bisect: main is good, bisect-demo is bad.
judge=("$root/ci/pvpanic" run --bisect --make --kernel "build:$build" --quiet --device pci
  --events 1 --kdump --post-notifiers cmdline --action panic=none)
echo "== git bisect run ${judge[*]}" >&2
cd "$src"
git bisect start bisect-demo main
rc=0
git bisect run nice -n 19 "${judge[@]}" | tee "$cache/kernel-build-tree/bisect.log" || rc=$?
git bisect log >&2
found="$(git rev-parse -q --verify refs/bisect/bad || true)"
git bisect reset >/dev/null
git checkout -q main
echo "== bisect took $(($(date +%s) - start)) s; named ${found:-nothing}; the bad commit is $bad" >&2
[ "$rc" = 0 ] && [ "$found" = "$bad" ]
