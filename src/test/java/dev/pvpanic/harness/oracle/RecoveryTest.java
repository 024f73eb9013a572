package dev.pvpanic.harness.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryTest {
  private static List<String> described(ExpectedOutcome o) {
    return o.events().stream().map(ExpectedEvent::describe).toList();
  }

  @Test
  void aStoppedVmIsResetThenResumed() {
    for (FinalState stopped :
        List.of(
            new FinalState.Status("guest-panicked", false),
            new FinalState.Status("paused", false),
            new FinalState.Status("shutdown", false))) {
      ExpectedOutcome o = Recovery.expect(stopped, Architecture.AARCH64);
      assertEquals(
          List.of("RESET {guest: false, reason: host-qmp-system-reset}", "RESUME"),
          described(o),
          stopped.describe());
      assertEquals(new FinalState.Status("running", true), o.finalState());
    }
  }

  @Test
  void aRunningVmIsOnlyReset() {
    ExpectedOutcome o =
        Recovery.expect(new FinalState.Status("running", true), Architecture.AARCH64);
    assertEquals(List.of("RESET {guest: false, reason: host-qmp-system-reset}"), described(o));
    assertTrue(
        String.join("\n", o.reasoning()).contains("cont changes nothing"),
        o.reasoning().toString());
  }

  @Test
  void onX86SeaBiosRebootsOnceMoreAfterTheReset() {
    ExpectedOutcome o =
        Recovery.expect(new FinalState.Status("guest-panicked", false), Architecture.X86_64);
    assertEquals(
        List.of(
            "RESET {guest: false, reason: host-qmp-system-reset}",
            "RESUME",
            "RESET {guest: true, reason: guest-reset} x1..7"),
        described(o));
  }

  @Test
  void aQemuThatExitedCannotBeRecovered() {
    CellNotApplicableException e =
        assertThrows(
            CellNotApplicableException.class,
            () -> Recovery.expect(new FinalState.QemuExits(0), Architecture.X86_64));
    assertTrue(e.getMessage().contains("use panic: pause or none"), e.getMessage());
  }
}
