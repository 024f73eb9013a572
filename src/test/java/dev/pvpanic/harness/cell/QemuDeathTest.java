package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A QEMU's exit status tells a kill from outside from a crash of its own. */
class QemuDeathTest {

  @Test
  void sigkillFromOutsideIsInfrastructureNamingTheSignal() {
    QemuDeath d = QemuDeath.of(137).orElseThrow();
    assertEquals(Verdict.INFRASTRUCTURE_ERROR, d.verdict());
    assertTrue(
        d.describe("", 4242).contains("signal 9 (SIGKILL) from outside"), d.describe("", 4242));
    assertEquals(Verdict.INFRASTRUCTURE_ERROR, QemuDeath.of(143).orElseThrow().verdict());
  }

  @Test
  void segfaultsAndAbortsAreCrashesOfTheBuild() {
    assertEquals(Verdict.QEMU_CRASHED, QemuDeath.of(139).orElseThrow().verdict());
    QemuDeath abort = QemuDeath.of(134).orElseThrow();
    assertEquals("SIGABRT", abort.name());
    assertTrue(abort.describe("assertion failed", 4242).contains("assertion failed"));
  }

  @Test
  void normalExitsAreNoDeath() {
    assertEquals(Optional.empty(), QemuDeath.of(0));
    assertEquals(Optional.empty(), QemuDeath.of(1));
    assertEquals(Optional.empty(), QemuDeath.of(128));
  }
}
