package dev.pvpanic.harness.junit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The one rule every "this machine lacks X" goes through: a skip, or a failure when required. */
class PrerequisiteTest {
  private static List<String> required(String value) {
    return Prerequisite.required(Settings.of(Map.of("pvh.require", value), Map.of()));
  }

  @Test
  void whatIsThereLetsTheTestRun() {
    assertDoesNotThrow(() -> Prerequisite.QEMU_X86_64.require(true, "", List.of("qemu-x86_64")));
  }

  @Test
  void whatIsMissingSkipsTheTestSayingWhatAndHowToMakeItAFailure() {
    TestAbortedException skip =
        assertThrows(
            TestAbortedException.class,
            () -> Prerequisite.QEMU_X86_64.require(false, "not on PATH", List.of()));
    assertTrue(skip.getMessage().contains("missing qemu-x86_64"), skip.getMessage());
    assertTrue(skip.getMessage().contains("not on PATH"), skip.getMessage());
    assertTrue(skip.getMessage().contains("-Dpvh.require=qemu-x86_64"), skip.getMessage());
  }

  @Test
  void whatIsMissingAndRequiredFailsTheTestNamingIt() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                Prerequisite.CONTAINER.require(
                    false, "Cannot connect to the Docker daemon", required("qemu,container")));
    assertTrue(e.getMessage().startsWith("missing prerequisite container ("), e.getMessage());
    assertTrue(e.getMessage().contains("Cannot connect to the Docker daemon"), e.getMessage());
    assertTrue(e.getMessage().contains("pvh.require="), e.getMessage());
  }

  @Test
  void qemuStandsForTheThreeHostQemus() {
    assertEquals(List.of("qemu-x86_64", "qemu-aarch64", "qemu-riscv64"), required("qemu"));
    assertEquals(
        List.of("qemu-x86_64", "qemu-aarch64", "qemu-riscv64", "container", "python3"),
        required(" QEMU, container python3 "));
    assertEquals(List.of(), required(""));
  }

  @Test
  void anUnknownNameIsRefusedWithTheValidOnes() {
    AssertionError e = assertThrows(AssertionError.class, () -> required("qemu,docker"));
    assertTrue(e.getMessage().contains("'docker', which is no prerequisite"), e.getMessage());
    assertTrue(e.getMessage().contains("container"), e.getMessage());
  }

  @Test
  void theEnvironmentVariableCountsLikeTheProperty() {
    assertEquals(
        List.of("cgroup-v1-memory"),
        Prerequisite.required(Settings.of(Map.of(), Map.of("PVH_REQUIRE", "cgroup-v1-memory"))));
  }

  @Test
  void everyThingAPlannedCellCanLackIsAPrerequisite() {
    for (String lacks :
        List.of(
            "qemu-x86_64", "qemu-riscv64", "container", "kvm", "debian-archive", "qemu-build")) {
      assertEquals(lacks, Prerequisite.byKey(lacks).key());
    }
  }
}
