package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.qmp.QmpErrorException;
import dev.pvpanic.harness.qmp.QmpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every QEMU runs confined, seen from outside: a guest kernel runs in a QEMU whose {@code
 * /proc/<pid>/status} shows a seccomp filter (mode 2) and, under a root harness, another user with
 * no capabilities; and a confined QEMU asked for something that must spawn a process refuses it (an
 * error, or the filter kills QEMU) without the program ever running. The host's QEMU 7.2 and
 * Debian's 5.2, 10.0 and 11.1 run through their own library closures (the lock's pins, cached), and
 * the container build when an engine and its image are there.
 */
class ConfinementIT {
  private static final Duration BANNER_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern BANNER = Pattern.compile("Linux version \\d");
  private static final int SIGSYS_EXIT = 128 + 31;

  static Stream<Arguments> builds() {
    return Stream.of(
        Arguments.argumentSet("host 7.2", "host"),
        Arguments.argumentSet("Debian 5.2", "debian:5.2"),
        Arguments.argumentSet("Debian bookworm-backports 10.0", "debian:bookworm-backports"),
        Arguments.argumentSet("Debian sid 11.1", "debian:sid"),
        Arguments.argumentSet("container", "container:" + QemuImages.containerImage()));
  }

  static Stream<Arguments> localBuilds() {
    return builds().limit(4);
  }

  /** The build, or the test skipped (failed under pvh.require) naming what is missing. */
  private static QemuBuild build(String name) {
    Prerequisite needed =
        name.equals("host")
            ? Prerequisite.QEMU_X86_64
            : name.startsWith("container:") ? Prerequisite.CONTAINER : Prerequisite.DEBIAN_ARCHIVE;
    QemuBuild qemu;
    try {
      qemu = TestSettings.session().qemuBuilds().resolve(name, Architecture.X86_64);
    } catch (QemuBuildUnavailableException e) {
      needed.require(false, e::getMessage);
      throw e;
    }
    Optional<String> unavailable = qemu.backend().unavailableReason();
    needed.require(unavailable.isEmpty(), () -> name + ": " + unavailable.orElse(""));
    needed.require(QemuVersionProbe.version(qemu).isPresent(), () -> name + " does not run here");
    return qemu;
  }

  @ParameterizedTest
  @MethodSource("builds")
  void aGuestRunsUnderASeccompFilterAsAnUnprivilegedUser(String name) {
    QemuBuild qemu = build(name);
    GuestImage image =
        ImageEnvironment.builder(
                TestSettings.jvm(), Optional.empty(), line -> System.out.println("  .. " + line))
            .image("x86_64-6.12");
    MachineSpec spec =
        MachineSpec.builder(Architecture.X86_64)
            .name("confined")
            .qemu(qemu)
            .kernel(image.kernel())
            .initrd(image.initrd())
            .append(image.recipe().cmdline())
            .build();
    try (QemuMachine m = QemuMachine.launch(spec)) {
      m.console().expect(BANNER, null, BANNER_TIMEOUT);
      // read here, not taken from the harness's own record of it
      ProcessConfinement seen = ProcessConfinement.of(m.measuredConfinement().pid()).orElseThrow();
      assertEquals(2, seen.seccomp(), name + ": " + seen.describe());
      assertTrue(seen.noNewPrivs(), seen.describe());
      if (ProcessConfinement.self().uid() == 0) {
        assertNotEquals(0, seen.uid(), name + ": " + seen.describe());
        assertNotEquals(0, seen.realUid(), name + ": " + seen.describe());
        assertEquals(0, seen.effectiveCapabilities(), name + ": " + seen.describe());
        assertTrue(m.confinement().user().isPresent());
        assertEquals(m.confinement().user().get().uid(), seen.uid());
      }
      assertTrue(m.confinement().confined(), m.confinement().warnings().toString());
    }
  }

  @ParameterizedTest
  @MethodSource("localBuilds")
  void whatMustSpawnAProcessIsRefusedAndTheProgramNeverRuns(String name, @TempDir Path dir)
      throws Exception {
    QemuBuild qemu = build(name);
    // a folder anyone may write: a touch that ran, as whatever user, would leave its file
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path marker = dir.resolve("spawned");
    MachineSpec spec =
        MachineSpec.builder(Architecture.X86_64)
            .name("spawn")
            .qemu(qemu)
            .memoryMb(128)
            .extraArgs(java.util.List.of("-S"))
            .build();
    String refusal;
    try (QemuMachine m = QemuMachine.launch(spec)) {
      refusal = askToSpawn(m, marker);
    }
    Thread.sleep(300); // a program that did start would have touched its file by now
    assertFalse(Files.exists(marker), name + ": the spawned program ran (" + refusal + ")");
    System.out.println(name + ": " + refusal);
  }

  /**
   * Asks for a migration into {@code exec:touch marker} and says how QEMU refused: an error reply
   * (EPERM from the filter), a migration that failed (the child could not exec), or QEMU killed by
   * the filter (SIGSYS).
   */
  private static String askToSpawn(QemuMachine m, Path marker) {
    try {
      m.qmp().execute("migrate", Map.of("uri", "exec:touch " + marker));
    } catch (QmpErrorException e) {
      return "refused: " + e.getMessage();
    } catch (QmpException e) {
      return killed(m, e.getMessage());
    }
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      String status;
      try {
        status = m.qmp().execute("query-migrate").path("status").asText();
      } catch (QmpException e) {
        return killed(m, e.getMessage());
      }
      if (status.equals("failed")) {
        return "migration failed";
      }
      assertNotEquals("completed", status, "a migration into exec:touch completed");
    }
    throw new AssertionError("the migration into exec:touch neither failed nor completed");
  }

  private static String killed(QemuMachine m, String why) {
    Optional<Integer> exit = m.awaitExit(Duration.ofSeconds(5));
    assertEquals(Optional.of(SIGSYS_EXIT), exit, "QEMU went away otherwise: " + why);
    return "QEMU killed by its filter (SIGSYS)";
  }
}
