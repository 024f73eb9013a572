package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.machine.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine it runs on. Every test that cannot run without something goes
 * through {@link #require}: the test is skipped, saying what is missing and how to get it, unless
 * {@code pvh.require} / {@code PVH_REQUIRE} lists it (ci/test.sh lists what the README says its
 * machine has): then the test fails, naming it. So a run on a machine that lost its QEMU or its
 * container engine is red, not a green run that tested nothing.
 */
public enum Prerequisite {
  QEMU_X86_64("qemu-x86_64", "qemu-system-x86_64 on PATH (ci/setup.sh installs qemu-system-x86)"),
  QEMU_AARCH64(
      "qemu-aarch64", "qemu-system-aarch64 on PATH (ci/setup.sh installs qemu-system-arm)"),
  QEMU_RISCV64(
      "qemu-riscv64", "qemu-system-riscv64 on PATH (ci/setup.sh installs qemu-system-misc)"),
  /** A QEMU a cell names by prefix: or build: that is there but does not run. */
  QEMU_BUILD("qemu-build", "the QEMU install or build tree a cell names"),
  CONTAINER(
      "container",
      "a container engine with the QEMU image (ci/qemu-container/prepare.sh starts one and builds"
          + " it)"),
  KVM("kvm", "a /dev/kvm that runs guests"),
  DEBIAN_ARCHIVE(
      "debian-archive",
      "a Debian archive to take QEMU builds from (the host's apt sources, or PVH_DEBIAN_MIRROR)"),
  CGROUP_V1_MEMORY(
      "cgroup-v1-memory", "a cgroup v1 memory controller this process may make groups in"),
  PYTHON3("python3", "python3 (ci/setup.sh installs it)"),
  QEMU_BUILD_TREE(
      "qemu-build-tree",
      "a QEMU build tree: -Dpvh.build-tree=<meson build folder> or PVH_BUILD_TREE"
          + " (ci/qemu-build-tree.sh builds one)"),
  X86_64_HOST("x86_64-host", "an x86_64 host with glibc"),
  /** An ordinary account for the harness itself, when the tests run as root. */
  ORDINARY_USER(
      "ordinary-user",
      "an ordinary account to run the harness as, when the tests run as root (ci/setup.sh adds"
          + " pvh-qemu; runuser from util-linux)"),
  XZ("xz", "/usr/bin/xz");

  /** {@code qemu}: the host's QEMU for every architecture the harness boots. */
  static final String ALL_QEMU = "qemu";

  private final String key;
  private final String what;

  Prerequisite(String key, String what) {
    this.key = key;
    this.what = what;
  }

  /** The name {@code pvh.require} takes. */
  public String key() {
    return key;
  }

  /** The host's QEMU for {@code arch}. */
  public static Prerequisite qemu(Architecture arch) {
    return switch (arch) {
      case X86_64 -> QEMU_X86_64;
      case AARCH64 -> QEMU_AARCH64;
      case RISCV64 -> QEMU_RISCV64;
    };
  }

  /** The prerequisite named {@code key} (as a planned cell names what it lacks). */
  public static Prerequisite byKey(String key) {
    return Arrays.stream(values())
        .filter(p -> p.key.equals(key))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no prerequisite named " + key));
  }

  /**
   * Returns when {@code present}; otherwise skips the test, or fails it when {@code pvh.require}
   * lists this prerequisite.
   *
   * @param detail what exactly is missing, e.g. the engine's own error
   */
  public void require(boolean present, Supplier<String> detail) {
    require(present, present ? "" : detail.get(), required(TestSettings.jvm()));
  }

  /** As {@link #require(boolean, Supplier)}. */
  public void require(boolean present, String detail) {
    require(present, () -> detail);
  }

  /**
   * This prerequisite is missing and the caller goes on without what needs it (other cells, other
   * architectures): fails when {@code pvh.require} lists it, else returns.
   */
  public void missing(String detail) {
    if (required(TestSettings.jvm()).contains(key)) {
      require(false, detail, required(TestSettings.jvm()));
    }
  }

  /** The rule, with the required names given (tests of this class). */
  void require(boolean present, String detail, List<String> required) {
    if (present) {
      return;
    }
    String missing = key + " (" + what + ")" + (detail.isBlank() ? "" : ": " + detail);
    if (required.contains(key)) {
      throw new AssertionError(
          "missing prerequisite "
              + missing
              + "; pvh.require="
              + String.join(",", required)
              + " says this machine has it");
    }
    Assumptions.abort(
        "skipped: missing " + missing + " (-Dpvh.require=" + key + " makes this a failure)");
  }

  /**
   * The prerequisites {@code settings} require, by key ({@code qemu} standing for the three host
   * QEMUs); an unknown name fails, listing the valid ones.
   */
  static List<String> required(Settings settings) {
    List<String> out = new ArrayList<>();
    for (String name : settings.require()) {
      if (name.equals(ALL_QEMU)) {
        out.addAll(List.of(QEMU_X86_64.key, QEMU_AARCH64.key, QEMU_RISCV64.key));
      } else if (Arrays.stream(values()).anyMatch(p -> p.key.equals(name))) {
        out.add(name);
      } else {
        throw new AssertionError(
            "pvh.require names '"
                + name
                + "', which is no prerequisite; valid: "
                + ALL_QEMU
                + ", "
                + Arrays.stream(values()).map(p -> p.key).collect(Collectors.joining(", ")));
      }
    }
    return out;
  }

  /** A planned cell's {@code lacks}, as a prerequisite. */
  public static Optional<Prerequisite> of(Optional<String> lacks) {
    return lacks.map(Prerequisite::byKey);
  }
}
