# Sourced by ci/run-matrix.sh and ci/test.sh: starts ci/qemu-container/prepare.sh (a Docker engine
# and the QEMU image) in the background instead of before the run. On a fresh machine the image
# takes about 70 s to build; beside the run it overlaps the Maven build and the cells that need no
# container. The harness waits for it before it first uses the engine (PVH_CONTAINER_PREPARING,
# machine/ContainerPreparation); a preparation that failed is then the engine's problem, so a run
# whose PVH_REQUIRE has container fails naming it, and one without it skips its container cells
# saying why. On exit this waits for the preparation, prints its log when it failed, and removes
# its folder.
# Needs: $caller, the sourcing script's name for messages.
container_prep="$(mktemp -d "${TMPDIR:-/tmp}/pvh-container.XXXXXX")"
(
  if ci/qemu-container/prepare.sh >"$container_prep/prepare.log" 2>&1; then code=0; else code=$?; fi
  echo "$code" >"$container_prep/status.part"
  mv "$container_prep/status.part" "$container_prep/status"
) &
container_prep_pid=$!
export PVH_CONTAINER_PREPARING="$container_prep"
echo "$caller: preparing the container engine and its QEMU image beside the run" \
  "(ci/qemu-container/prepare.sh, log: $container_prep/prepare.log)" >&2

container_prep_end() {
  wait "$container_prep_pid" 2>/dev/null || true
  if [ "$(cat "$container_prep/status" 2>/dev/null)" != 0 ]; then
    echo "$caller: ci/qemu-container/prepare.sh failed; its log:" >&2
    sed 's/^/  /' "$container_prep/prepare.log" >&2 || true
  fi
  rm -rf "$container_prep"
}
trap container_prep_end EXIT
# killed or interrupted: exit through the EXIT trap, so the preparation is waited for and its
# folder removed
trap 'exit 143' TERM
trap 'exit 130' INT
