package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.ContainerBackend;
import dev.pvpanic.harness.machine.ContainerEngine;
import dev.pvpanic.harness.machine.LaunchPolicy;
import dev.pvpanic.harness.machine.LocalProcessBackend;
import dev.pvpanic.harness.machine.NoSuchQemuBuildException;
import dev.pvpanic.harness.machine.QemuBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuBuildsTest {
  private static final BiFunction<String, Architecture, QemuBuild> NO_DEBIAN =
      (spec, arch) -> {
        throw new AssertionError("no Debian build expected, got debian:" + spec);
      };
  private static final ContainerEngine ENGINE = new ContainerEngine(Optional.empty());

  private static QemuBuild resolve(
      String name, Architecture arch, BiFunction<String, Architecture, QemuBuild> debian) {
    return new QemuBuilds(debian, ENGINE, LaunchPolicy.DEFAULTS).resolve(name, arch);
  }

  private static QemuBuild resolve(String name, Architecture arch, Optional<Path> base) {
    return new QemuBuilds(NO_DEBIAN, ENGINE, LaunchPolicy.DEFAULTS).resolve(name, arch, base);
  }

  @Test
  void hostIsTheQemuOnPath() {
    QemuBuild b = resolve("host", Architecture.AARCH64, NO_DEBIAN);
    assertEquals("qemu-system-aarch64", b.binary());
    assertInstanceOf(LocalProcessBackend.class, b.backend());
  }

  @TempDir Path tmp;

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    file.toFile().setExecutable(true);
    return file;
  }

  @Test
  void aPrefixGivesItsBinaryAndFirmwareFolder() throws IOException {
    Path prefix = tmp.resolve("qemu-9.2");
    executable(prefix.resolve("bin/qemu-system-x86_64"));
    QemuBuild b = resolve("prefix:" + prefix, Architecture.X86_64, NO_DEBIAN);
    assertEquals("prefix:" + prefix, b.label());
    assertEquals(prefix + "/bin/qemu-system-x86_64", b.binary());
    assertEquals(List.of("-L", prefix + "/share/qemu"), b.args());
    GuestConfigException e =
        assertThrows(
            GuestConfigException.class,
            () -> resolve("prefix:opt/qemu", Architecture.X86_64, NO_DEBIAN));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
  }

  @Test
  void aPrefixWithoutTheArchitecturesBinaryIsRefusedNamingWhatIsMissing() throws IOException {
    Path prefix = tmp.resolve("qemu-arm-only");
    executable(prefix.resolve("bin/qemu-system-aarch64"));
    GuestConfigException e =
        assertThrows(
            GuestConfigException.class,
            () -> resolve("prefix:" + prefix, Architecture.X86_64, NO_DEBIAN));
    assertTrue(e.getMessage().contains("no executable bin/qemu-system-x86_64"), e.getMessage());
    assertTrue(e.getMessage().contains("build:/<meson build folder>"), e.getMessage());
  }

  @Test
  void aRelativePrefixIsTakenFromTheConfigsFolder() throws IOException {
    executable(tmp.resolve("regressions/qemu-events1/bin/qemu-system-x86_64"));
    QemuBuild b = resolve("prefix:regressions/qemu-events1", Architecture.X86_64, Optional.of(tmp));
    assertEquals(tmp + "/regressions/qemu-events1/bin/qemu-system-x86_64", b.binary());
    assertEquals("prefix:regressions/qemu-events1", b.label());
  }

  @Test
  void aBuildTreeRunsItsTopLevelBinaryWithItsPcBiosFolder() throws IOException {
    Path tree = tmp.resolve("qemu/build");
    executable(tree.resolve("qemu-system-aarch64"));
    Files.createDirectories(tree.resolve("pc-bios"));
    QemuBuild b = resolve("build:qemu/build", Architecture.AARCH64, Optional.of(tmp));
    assertEquals(tree + "/qemu-system-aarch64", b.binary());
    assertEquals(List.of("-L", tree + "/pc-bios"), b.args());
    assertEquals("build:qemu/build", b.label());
  }

  @Test
  void aFolderThatIsNoBuildTreeIsRefusedNamingWhatIsMissing() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("qemu-src"));
    GuestConfigException e =
        assertThrows(
            GuestConfigException.class,
            () -> resolve("build:" + src, Architecture.AARCH64, NO_DEBIAN));
    assertTrue(
        e.getMessage()
            .contains(
                "is not a QEMU build tree for aarch64 (missing:"
                    + " qemu-system-aarch64 at its top, a pc-bios folder)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("aarch64-softmmu"), e.getMessage());
    GuestConfigException none =
        assertThrows(
            GuestConfigException.class,
            () -> resolve("build:" + tmp.resolve("nosuch"), Architecture.X86_64, NO_DEBIAN));
    assertTrue(none.getMessage().contains("missing: the folder itself"), none.getMessage());
    assertThrows(
        GuestConfigException.class, () -> resolve("build:", Architecture.X86_64, NO_DEBIAN));
  }

  @Test
  void aDebianBuildThatDoesNotExistIsAnErrorOfTheConfig() {
    GuestConfigException e =
        assertThrows(
            GuestConfigException.class,
            () ->
                resolve(
                    "debian:bookwrom",
                    Architecture.X86_64,
                    (spec, a) -> {
                      throw new NoSuchQemuBuildException(
                          "debian:bookwrom: the mirror has no suite 'bookwrom'", null);
                    }));
    assertTrue(
        e.getMessage().startsWith("QEMU build 'debian:bookwrom' does not exist: "), e.getMessage());
  }

  @Test
  void aContainerRunsTheArchitecturesBinaryFromItsImage() {
    QemuBuild b = resolve("container:pvh-qemu:bookworm-backports", Architecture.X86_64, NO_DEBIAN);
    assertEquals("qemu-system-x86_64", b.binary());
    assertEquals(new ContainerBackend("pvh-qemu:bookworm-backports", ENGINE), b.backend());
    assertEquals("container:pvh-qemu:bookworm-backports", b.label());
    assertThrows(
        GuestConfigException.class, () -> resolve("container:", Architecture.X86_64, NO_DEBIAN));
  }

  @Test
  void debianBuildsGetWhatFollowsThePrefix() {
    QemuBuild made = new QemuBuild("debian:x", "/q", Map.of(), List.of());
    assertEquals(
        made,
        resolve(
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
            GuestConfigException.class, () -> resolve("qemu-10", Architecture.X86_64, NO_DEBIAN));
    assertTrue(e.getMessage().contains("'qemu-10'"), e.getMessage());
    assertTrue(e.getMessage().contains(QemuBuilds.VALID), e.getMessage());
  }
}
