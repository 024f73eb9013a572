#!/usr/bin/env bash
# The tests: unit tests (Surefire, *Test) and the real-guest tests (Failsafe, *IT).
# Installs what is missing first. Extra arguments go to Maven.
#
# What this machine has, as the README says (ci/setup.sh installs it): QEMU for the three
# architectures, python3, the host's Debian archive, and (ci/qemu-container/prepare.sh) a container
# engine with the QEMU image. PVH_REQUIRE says so to the tests: a test that would skip for one of
# them missing fails instead, naming it. PVH_REQUIRE set by the caller wins (empty: nothing
# required); PVH_CONTAINER_TESTS=no leaves the container engine out of it.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh
default_require=qemu,python3,debian-archive,ordinary-user
[ "${PVH_CONTAINER_TESTS:-yes}" = no ] || default_require+=,container
export PVH_REQUIRE="${PVH_REQUIRE-$default_require}"
caller=ci/test.sh
. ci/container-preparation.sh
echo "ci/test.sh: PVH_REQUIRE=$PVH_REQUIRE (a test that would skip for one of these fails)" >&2
status=0
mvn -B verify "$@" || status=$?
exit "$status"
