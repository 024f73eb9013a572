package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * The backend contract for QEMU inside a container from a local image ({@code -Dpvh.qemu.image},
 * {@code PVH_QEMU_IMAGE}, default {@code pvh-qemu:bookworm-backports}). Skipped, with what is
 * missing, when no Docker engine answers or the image was not built.
 */
class ContainerBackendIT extends QemuBackendContract {
  static final String IMAGE = QemuImages.containerImage();

  private static Optional<String> unavailable;

  /** What ci/qemu-container/build.sh installs: qemu-system-x86 and qemu-system-arm. */
  private static final java.util.Set<Architecture> IMAGE_ARCHITECTURES =
      java.util.EnumSet.of(Architecture.X86_64, Architecture.AARCH64);

  /** Asked once; each test then reports itself skipped with the reason (never a silent 0 run). */
  private static synchronized Optional<String> unavailable() {
    if (unavailable == null) {
      unavailable =
          new ContainerBackend(IMAGE, TestSettings.session().qemuBuilds().engine())
              .unavailableReason();
    }
    return unavailable;
  }

  @Override
  QemuBuild build(Architecture arch) {
    Optional<String> reason = unavailable();
    Prerequisite.CONTAINER.require(reason.isEmpty(), () -> reason.orElse(""));
    // not a prerequisite: the image holds these architectures by design, on every machine
    assumeTrue(
        IMAGE_ARCHITECTURES.contains(arch),
        () -> IMAGE + " holds QEMU for " + IMAGE_ARCHITECTURES + " only (ci/qemu-container)");
    return new QemuBuild(
        "container:" + IMAGE,
        arch.qemuBinary(),
        Map.of(),
        List.of(),
        new ContainerBackend(IMAGE, TestSettings.session().qemuBuilds().engine()));
  }

  /**
   * A cell for an architecture the image has no QEMU for is skipped when it is planned, before any
   * container or guest starts, and the reason names the missing binary.
   */
  @org.junit.jupiter.api.Test
  void aGuestTheImageHasNoQemuForIsSkippedAtPlanningNamingTheBinary() {
    Optional<String> reason = unavailable();
    Prerequisite.CONTAINER.require(reason.isEmpty(), () -> reason.orElse(""));
    String recipe = "riscv64-6.12";
    dev.pvpanic.harness.matrix.Cell cell =
        new dev.pvpanic.harness.matrix.Cell(
            Optional.of("riscv-in-container"),
            Map.of(
                dev.pvpanic.harness.matrix.Axis.RECIPE,
                recipe,
                dev.pvpanic.harness.matrix.Axis.DEVICE,
                "pci",
                dev.pvpanic.harness.matrix.Axis.QEMU,
                "container:" + IMAGE));
    dev.pvpanic.harness.matrix.PlannedCell planned =
        TestSettings.session()
            .plan()
            .plan(
                cell,
                dev.pvpanic.harness.image.ImageRecipes.load(TestSettings.jvm().recipes())
                    .get(recipe));
    String why = planned.skipReason().orElseThrow();
    org.junit.jupiter.api.Assertions.assertTrue(
        why.contains("the container image " + IMAGE + " has no qemu-system-riscv64"), why);
  }

  @Override
  void assertReleased(QemuMachine m) {
    assertEquals(List.of(), containersOf(m.spec().name()), "containers left for " + m);
  }

  static List<String> containersOf(String machine) {
    return DockerClientFactory.instance()
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(
            Map.of(
                ContainerBackend.OWNER_LABEL,
                ContainerBackend.ownerTag(),
                ContainerBackend.MACHINE_LABEL,
                machine))
        .exec()
        .stream()
        .map(c -> c.getId() + " " + c.getState())
        .toList();
  }
}
