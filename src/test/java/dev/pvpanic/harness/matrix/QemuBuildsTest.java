package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.ContainerBackend;
import dev.pvpanic.harness.machine.LocalProcessBackend;
import dev.pvpanic.harness.machine.QemuBuild;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class QemuBuildsTest {
  private static final BiFunction<String, Architecture, QemuBuild> NO_DEBIAN =
      (spec, arch) -> {
        throw new AssertionError("no Debian build expected, got debian:" + spec);
      };

  @Test
  void hostIsTheQemuOnPath() {
    QemuBuild b = QemuBuilds.resolve("host", Architecture.AARCH64, NO_DEBIAN);
    assertEquals("qemu-system-aarch64", b.binary());
    assertInstanceOf(LocalProcessBackend.class, b.backend());
  }

  @Test
  void aPrefixGivesItsBinaryAndFirmwareFolder() {
    QemuBuild b = QemuBuilds.resolve("prefix:/opt/qemu-9.2", Architecture.X86_64, NO_DEBIAN);
    assertEquals("prefix:/opt/qemu-9.2", b.label());
    assertEquals("/opt/qemu-9.2/bin/qemu-system-x86_64", b.binary());
    assertEquals(List.of("-L", "/opt/qemu-9.2/share/qemu"), b.args());
    GuestConfigException e =
        assertThrows(
            GuestConfigException.class,
            () -> QemuBuilds.resolve("prefix:opt/qemu", Architecture.X86_64, NO_DEBIAN));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void aRelativePrefixIsTakenFromTheConfigsFolder() {
    QemuBuild b =
        QemuBuilds.resolve(
            "prefix:regressions/qemu-events1",
            Architecture.X86_64,
            java.util.Optional.of(java.nio.file.Path.of("/work/guest-configs")));
    assertEquals("/work/guest-configs/regressions/qemu-events1/bin/qemu-system-x86_64", b.binary());
    assertEquals("prefix:regressions/qemu-events1", b.label());
  }

  @Test
  void aContainerRunsTheArchitecturesBinaryFromItsImage() {
    QemuBuild b =
        QemuBuilds.resolve("container:pvh-qemu:bookworm-backports", Architecture.X86_64, NO_DEBIAN);
    assertEquals("qemu-system-x86_64", b.binary());
    assertEquals(new ContainerBackend("pvh-qemu:bookworm-backports"), b.backend());
    assertEquals("container:pvh-qemu:bookworm-backports", b.label());
    assertThrows(
        GuestConfigException.class,
        () -> QemuBuilds.resolve("container:", Architecture.X86_64, NO_DEBIAN));
  }

  @Test
  void debianBuildsGetWhatFollowsThePrefix() {
    QemuBuild made = new QemuBuild("debian:x", "/q", Map.of(), List.of());
    assertEquals(
        made,
        QemuBuilds.resolve(
            "debian:bookworm-backports=1:10.0.2",
            Architecture.X86_64,
            (spec, arch) -> {
              assertEquals("bookworm-backports=1:10.0.2", spec);
              return made;
            }));
  }

  @Test
  void anUnknownBuildListsTheValidForms() {
    GuestConfigException e =
        assertThrows(
            GuestConfigException.class,
            () -> QemuBuilds.resolve("qemu-10", Architecture.X86_64, NO_DEBIAN));
    assertTrue(e.getMessage().contains("'qemu-10'"), e.getMessage());
    assertTrue(e.getMessage().contains(QemuBuilds.VALID), e.getMessage());
  }
}
