package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.guest;
import static dev.pvpanic.harness.oracle.Cells.qemu;
import static dev.pvpanic.harness.oracle.Cells.x86;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three scenarios of the seed article, with the panic=none it recommends. */
class SeedArticleScenariosTest {

  private static final GuestFacts GUEST =
      guest("6.12.95+deb13-amd64", PvpanicDriver.PVPANIC_PCI, 7);
  private static final CellSetup PANIC_NONE =
      x86(PvpanicDevice.Kind.PCI).withActions(PanicAction.NONE, ShutdownAction.DEFAULT);

  @Test
  void withoutKdumpTheGuestPanicsAndQemuLetsItRun() {
    ExpectedOutcome outcome = Oracle.expect(PANIC_NONE, GUEST, qemu(10, 0));

    assertEquals(
        List.of(new ExpectedEvent("GUEST_PANICKED", Map.of("action", "run"), Multiplicity.ONE)),
        outcome.events());
    assertEquals(new FinalState.Status("running", true), outcome.finalState());
    assertFalse(outcome.captureKernelRuns());
  }

  @Test
  void kdumpWithPostNotifiersSendsCrashLoadedThenTheCaptureKernelReboots() {
    CellSetup setup = PANIC_NONE.withKdump(true, PostNotifiers.CMDLINE);

    ExpectedOutcome outcome = Oracle.expect(setup, GUEST, qemu(10, 0));

    assertEquals(
        List.of(
            new ExpectedEvent("GUEST_CRASHLOADED", Map.of("action", "run"), Multiplicity.ONE),
            new ExpectedEvent(
                "RESET",
                Map.of("guest", true, "reason", "guest-reset"),
                QemuRules.rebootResets(Architecture.X86_64))),
        outcome.events());
    assertTrue(outcome.captureKernelRuns());
    assertEquals(new FinalState.Status("running", true), outcome.finalState());
    // drivers/tty/sysrq.c: panic("sysrq triggered crash\n"), read back from /proc/vmcore
    assertEquals(java.util.Optional.of("sysrq triggered crash"), outcome.dumpLogHolds());
  }

  @Test
  void kdumpWithoutPostNotifiersShowsOnlyTheCaptureKernelsReset() {
    CellSetup setup = PANIC_NONE.withKdump(true, PostNotifiers.OFF);

    ExpectedOutcome outcome = Oracle.expect(setup, GUEST, qemu(10, 0));

    assertEquals(
        List.of(
            new ExpectedEvent(
                "RESET",
                Map.of("guest", true, "reason", "guest-reset"),
                QemuRules.rebootResets(Architecture.X86_64))),
        outcome.events());
    assertTrue(outcome.captureKernelRuns());
    assertEquals(java.util.Optional.of("sysrq triggered crash"), outcome.dumpLogHolds());
  }

  @Test
  void withoutACaptureKernelNothingIsExpectedOfADumpLog() {
    assertEquals(
        java.util.Optional.empty(), Oracle.expect(PANIC_NONE, GUEST, qemu(10, 0)).dumpLogHolds());
  }

  @Test
  void anNmiPanicsWithItsOwnMessageInTheDump() {
    CellSetup setup =
        PANIC_NONE.withKdump(true, PostNotifiers.CMDLINE).withTrigger(Trigger.of("nmi"));

    assertEquals(
        java.util.Optional.of("NMI: Not continuing"),
        Oracle.expect(setup, GUEST, qemu(10, 0)).dumpLogHolds());
  }
}
