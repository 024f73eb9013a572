package dev.pvpanic.harness;

import java.util.Optional;

/**
 * The list of the harness's settings: each one's Java property, environment variable, default in
 * words and meaning. {@link Settings} reads their values; {@code pvpanic config} prints this list.
 * A {@code null} property or variable means the setting has no such source.
 */
public enum Setting {
  HOME(
      "pvh.home",
      "PVH_HOME",
      "the checkout the jar was built in",
      "the checkout: images/, guest-configs/ are found here"),
  RECIPES("pvh.recipes", "PVH_RECIPES", "<home>/images/recipes", "image recipe folder"),
  LOCK_FILE(
      "pvh.lock.file",
      "PVH_LOCK_FILE",
      "<home>/images/packages.lock.json, or <recipes>/packages.lock.json for a recipe folder of"
          + " one's own",
      "package lock file"),
  CONFIG("pvh.config", "PVH_CONFIG", "<home>/guest-configs/smoke.yaml", "guest config of a run"),
  SHARD("pvh.shard", "PVH_SHARD", "", "one shard of the matrix, k/n"),
  PARALLEL("pvh.parallel", "PVH_PARALLEL", "auto", "guests at once (a number or auto)"),
  COLD("pvh.cold", "PVH_COLD", "false", "boot every guest instead of restoring snapshots"),
  RETRY_INFRA(
      "pvh.retry.infra",
      "PVH_RETRY_INFRA",
      "0",
      "run a cell whose verdict is INFRASTRUCTURE_ERROR again, up to N times (attempts kept)"),
  ACCELERATOR(
      "pvh.accelerator",
      "PVH_ACCELERATOR",
      "tcg",
      "the accelerator of cells that name none: tcg, kvm, or auto (KVM where a probe boots a"
          + " guest under it, else TCG)"),
  MAX_CELLS(
      "pvh.max.cells",
      "PVH_MAX_CELLS",
      "100000",
      "the largest axes product a guest config may expand to (refused before it is expanded)"),
  BUILD_DIR("pvh.build.dir", "PVH_BUILD_DIR", "<home>/target", "build folder (cells, reports)"),
  CACHE_DIR(
      "pvh.cache.dir",
      "PVH_CACHE_DIR",
      "$XDG_CACHE_HOME/pvpanic-harness, else ~/.cache/pvpanic-harness",
      "cache of packages, images, QEMU builds, snapshots"),
  RUN_DIR("pvh.run.dir", "PVH_RUN_DIR", "/tmp", "run folders (unix sockets: keep it short)"),
  DEBIAN_MIRROR(
      "pvh.debian.mirror", "PVH_DEBIAN_MIRROR", "the host's apt sources", "Debian mirror"),
  DEBIAN_SECURITY_MIRROR(
      "pvh.debian.security.mirror",
      "PVH_DEBIAN_SECURITY_MIRROR",
      "the host's apt sources",
      "Debian security mirror"),
  DEBIAN_ALLOW_STALE(
      "pvh.debian.allow-stale",
      "PVH_DEBIAN_ALLOW_STALE",
      "false",
      "take Debian metadata past its Valid-Until (a snapshot archive)"),
  REQUIRE_CONFINEMENT(
      "pvh.require-confinement",
      "PVH_REQUIRE_CONFINEMENT",
      "false",
      "refuse to start a QEMU that cannot be confined (no seccomp sandbox, or root with no"
          + " account to drop to) instead of running it with a warning"),
  ALLOW_UNCONFINED(
      "pvh.allow-unconfined",
      "PVH_ALLOW_UNCONFINED",
      "false",
      "take qemu_args that undo the confinement (-sandbox, -runas, -run-with, -netdev, -virtfs,"
          + " a -chardev on a host path...): the user means it"),
  QEMU_USER(
      "pvh.qemu.user",
      "PVH_QEMU_USER",
      "pvh-qemu (made by ci/setup.sh), else nobody",
      "the account QEMU drops to when the harness runs as root"),
  BUILD_TREE(
      "pvh.build-tree",
      "PVH_BUILD_TREE",
      "",
      "a QEMU build tree (meson build folder) BuildTreeIT runs on; ci/qemu-build-tree.sh builds"
          + " one"),
  RUN_ID(
      "pvh.run-id",
      "PVH_RUN_ID",
      "a UTC time and a random suffix, made when the run starts, e.g. 20250611T101502Z-3fa9c1d2",
      "the run's id in reports and KCIDB ids (CI passes its pipeline id); [A-Za-z0-9._-]"),
  KCIDB_ORIGIN(
      "pvh.kcidb.origin",
      "PVH_KCIDB_ORIGIN",
      "pvpanic_harness",
      "the KCIDB origin: the submitting CI system's name, [a-z0-9_]"),
  ARTIFACTS_URL(
      "pvh.artifacts-url",
      "PVH_ARTIFACTS_URL",
      "",
      "where the cells folder (<build>/cells) is served, e.g. a CI job's artifact URL: KCIDB's"
          + " file URLs are made from it; without it KCIDB carries no URLs, only relative paths"),
  REQUIRE(
      "pvh.require",
      "PVH_REQUIRE",
      "",
      "what the machine must have, e.g. qemu,container: a test that would skip for a missing"
          + " one fails naming it (ci/test.sh sets it)"),
  KERNEL_BUILD_TREE(
      "pvh.kernel-build-tree",
      "PVH_KERNEL_BUILD_TREE",
      "",
      "a Linux build folder KernelBuildTreeIT runs on; ci/kernel-build-tree.sh builds one"),
  USER_DIR(
      null,
      "PVH_USER_DIR",
      "the current folder",
      "where relative paths on the command line are taken from (set by ci/pvpanic)"),
  WALL_SECONDS(null, "PVH_WALL_SECONDS", "", "a run's wall time, for the report"),
  CONTAINER_PREPARING(
      null,
      "PVH_CONTAINER_PREPARING",
      "",
      "a folder where ci/qemu-container/prepare.sh, started beside the run, writes its log and"
          + " exit status: the first use of the container engine waits for it (set by"
          + " ci/run-matrix.sh and ci/test.sh)"),
  XDG_CACHE_HOME(null, "XDG_CACHE_HOME", "", "the XDG cache folder"),
  USER_HOME("user.home", null, "", "the user's home folder"),
  PATH(null, "PATH", "", "where programs are looked up"),
  DOCKER_HOST(null, "DOCKER_HOST", "", "the Docker engine Testcontainers uses"),
  HOST_ARCH("os.arch", null, "", "the host's architecture as Java names it");

  private final String property;
  private final String variable;
  private final String defaultText;
  private final String meaning;

  Setting(String property, String variable, String defaultText, String meaning) {
    this.property = property;
    this.variable = variable;
    this.defaultText = defaultText;
    this.meaning = meaning;
  }

  public Optional<String> property() {
    return Optional.ofNullable(property);
  }

  public Optional<String> variable() {
    return Optional.ofNullable(variable);
  }

  /** The default in words, for people. */
  public String defaultText() {
    return defaultText;
  }

  public String meaning() {
    return meaning;
  }
}
