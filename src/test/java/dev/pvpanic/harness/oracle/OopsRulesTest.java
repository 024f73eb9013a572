package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.arm64;
import static dev.pvpanic.harness.oracle.Cells.described;
import static dev.pvpanic.harness.oracle.Cells.guest;
import static dev.pvpanic.harness.oracle.Cells.qemu;
import static dev.pvpanic.harness.oracle.Cells.x86;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The oops triggers: panic_on_oops turns an oops into a panic; without it nothing is sent. */
class OopsRulesTest {
  private static final GuestFacts GUEST = guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 3);

  private static CellSetup armOops(Trigger t) {
    return arm64(PvpanicDevice.Kind.PCI)
        .withTrigger(t)
        .withActions(PanicAction.NONE, ShutdownAction.DEFAULT);
  }

  @Test
  void anOopsWithPanicOnOopsPanicsLikeAnyPanic() {
    ExpectedOutcome o = Oracle.expect(armOops(Trigger.of("oops")), GUEST, qemu(7, 2));

    assertEquals(List.of("GUEST_PANICKED {action: run}"), described(o));
    assertEquals(FinalState.running(), o.finalState());
  }

  @Test
  void anOopsWithoutPanicOnOopsIsNoPanic() {
    CellSetup setup = armOops(Trigger.of("oops-no-panic")).withKdump(true, PostNotifiers.OFF);
    ExpectedOutcome o = Oracle.expect(setup, GUEST, qemu(7, 2));

    assertFalse(setup.panics());
    assertEquals(List.of(), o.events());
    assertEquals(FinalState.running(), o.finalState());
    assertFalse(o.captureKernelRuns(), "insmod is no init and no interrupt: no kexec either");
    assertTrue(o.reasoning().stream().anyMatch(r -> r.contains("an oops is not a panic")));
  }

  @Test
  void withPostNotifiersTheOopsPanicsFirstAndTheDumpHoldsTheArchitecturesMessage() {
    CellSetup arm = armOops(Trigger.of("oops")).withKdump(true, PostNotifiers.CMDLINE);
    ExpectedOutcome o = Oracle.expect(arm, GUEST, qemu(7, 2));

    assertEquals(
        List.of("GUEST_CRASHLOADED {action: run}", "RESET {guest: true, reason: guest-reset}"),
        described(o));
    assertEquals(Optional.of("Oops: Fatal exception"), o.dumpLogHolds());

    CellSetup x86 =
        x86(PvpanicDevice.Kind.PCI)
            .withTrigger(Trigger.of("oops"))
            .withKdump(true, PostNotifiers.CMDLINE)
            .withActions(PanicAction.NONE, ShutdownAction.DEFAULT);
    assertEquals(
        Optional.of("Fatal exception"), Oracle.expect(x86, GUEST, qemu(7, 2)).dumpLogHolds());
  }

  @Test
  void withoutPostNotifiersTheOopsKexecsBeforePanic() {
    CellSetup setup = armOops(Trigger.of("oops")).withKdump(true, PostNotifiers.OFF);
    ExpectedOutcome o = Oracle.expect(setup, GUEST, qemu(7, 2));

    assertEquals(List.of("RESET {guest: true, reason: guest-reset}"), described(o));
    assertTrue(o.captureKernelRuns());
    assertEquals(Optional.empty(), o.dumpLogHolds(), "no panic() ran: no panic line in the log");
  }

  @Test
  void anImageWithoutTheCrasherIsRefusedBeforeBoot() {
    ImageFacts without =
        ImageFacts.of(Cells.kernel("6.12.95"), "module").withTriggerModules(Set.of("i6300esb"));

    for (Trigger t : List.of(Trigger.of("oops"), Trigger.of("oops-no-panic"))) {
      Applicability a = Oracle.applicability(armOops(t), without);
      assertFalse(a.applicable());
      assertTrue(
          ((Applicability.NotApplicable) a).reason().contains("loads the module pvh_oops"),
          a.toString());
      assertTrue(
          Oracle.applicability(armOops(t), without.withTriggerModules(Set.of("pvh_oops")))
              .applicable());
    }
  }
}
