package dev.pvpanic.harness.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.ExpectedEvent;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.oracle.GuestFacts;
import dev.pvpanic.harness.oracle.KernelVersion;
import dev.pvpanic.harness.oracle.Oracle;
import dev.pvpanic.harness.oracle.PanicAction;
import dev.pvpanic.harness.oracle.PostNotifiers;
import dev.pvpanic.harness.oracle.PvpanicDriver;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import dev.pvpanic.harness.oracle.ShutdownAction;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.oracle.TriggerAction;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The OOM trigger: panic_on_oom=2 turns running out of memory into an ordinary panic. */
class OomTest {
  private static final Trigger OOM = Trigger.of("oom");
  private static final GuestFacts GUEST =
      GuestFacts.of(KernelVersion.parse("6.12.107+deb13-amd64"), PvpanicDriver.PVPANIC_PCI, 3, 3);
  private static final QemuCapabilities QEMU = QemuCapabilities.of(QemuVersion.of(7, 2, 0));

  private static CellSetup setup() {
    return CellSetup.panic(Architecture.X86_64, PvpanicDevice.Kind.PCI)
        .withTrigger(OOM)
        .withActions(PanicAction.NONE, ShutdownAction.DEFAULT);
  }

  private static List<String> described(ExpectedOutcome o) {
    return o.events().stream().map(ExpectedEvent::describe).toList();
  }

  @Test
  void itIsRegisteredAndArmsPanicOnOomBeforeFillingATmpfs() {
    assertTrue(Trigger.ids().contains("oom"));
    assertEquals(List.of("echo 2 > /proc/sys/vm/panic_on_oom"), OOM.arming(setup()));
    TriggerAction.Typed typed = assertInstanceOf(TriggerAction.Typed.class, OOM.action());
    assertTrue(typed.command().contains("mount -t tmpfs -o size=100%"), typed.command());
    assertTrue(typed.command().contains("dd if=/dev/zero"), typed.command());
    assertEquals(List.of(), OOM.qemuArgs());
    assertEquals(List.of(), OOM.modules());
  }

  @Test
  void withoutKdumpItPanicsAndPvpanicSendsPanicked() {
    ExpectedOutcome o = Oracle.expect(setup(), GUEST, QEMU);

    assertTrue(setup().panics());
    assertEquals(List.of("GUEST_PANICKED {action: run}"), described(o));
    assertEquals(FinalState.running(), o.finalState());
    assertTrue(o.reasoning().stream().anyMatch(r -> r.contains("check_panic_on_oom")));
  }

  @Test
  void withKdumpAndNotifiersTheDumpLogHoldsTheOomPanic() {
    ExpectedOutcome o = Oracle.expect(setup().withKdump(true, PostNotifiers.RUNTIME), GUEST, QEMU);

    assertEquals(
        List.of(
            "GUEST_CRASHLOADED {action: run}", "RESET {guest: true, reason: guest-reset} x1..8"),
        described(o));
    assertTrue(o.captureKernelRuns());
    assertEquals(
        Optional.of("Out of memory: compulsory panic_on_oom is enabled"), o.dumpLogHolds());
  }

  @Test
  void withKdumpAloneTheCaptureKernelRunsBeforeAnyNotifier() {
    ExpectedOutcome o = Oracle.expect(setup().withKdump(true, PostNotifiers.OFF), GUEST, QEMU);

    assertFalse(described(o).contains("GUEST_PANICKED {action: run}"));
    assertTrue(o.captureKernelRuns());
  }

  @Test
  void theOomReportIsItsSignatureAndAnyExitStatusIsAFailure() {
    assertTrue(
        OOM.signature(false)
            .orElseThrow()
            .matcher(
                "[    5.72] dd invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP),"
                    + " order=0, oom_score_adj=0")
            .find());
    assertTrue(OOM.exitFailure(1).orElseThrow().contains("exit 1"));
    assertTrue(OOM.exitFailure(0).isPresent(), "the kernel was to panic inside dd");
  }
}
