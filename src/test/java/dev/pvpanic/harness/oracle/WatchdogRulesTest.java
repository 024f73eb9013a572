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

/** The watchdog trigger: each -action watchdog= value's events (hw/watchdog/watchdog.c). */
class WatchdogRulesTest {
  private static final GuestFacts GUEST = guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 3);

  private static ExpectedOutcome x86Watchdog(WatchdogAction action) {
    CellSetup setup =
        x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("watchdog")).withWatchdog(action);
    return Oracle.expect(setup, GUEST, qemu(7, 2));
  }

  @Test
  void theDefaultActionResetsAndSeaBiosRebootsAgainOnX86() {
    ExpectedOutcome o = x86Watchdog(WatchdogAction.DEFAULT);

    assertEquals(
        List.of("WATCHDOG {action: reset}", "RESET {guest: true, reason: guest-reset} x1..8"),
        described(o));
    assertEquals(FinalState.running(), o.finalState());
    assertFalse(o.captureKernelRuns());
  }

  @Test
  void anArm64GuestWithoutFirmwareResetsOnce() {
    CellSetup setup = arm64(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("watchdog"));

    assertEquals(
        List.of("WATCHDOG {action: reset}", "RESET {guest: true, reason: guest-reset}"),
        described(Oracle.expect(setup, GUEST, qemu(7, 2))));
  }

  @Test
  void shutdownPressesThePowerButtonAndTheGuestRunsOn() {
    ExpectedOutcome o = x86Watchdog(WatchdogAction.SHUTDOWN);

    assertEquals(List.of("WATCHDOG {action: shutdown}", "POWERDOWN"), described(o));
    assertEquals(FinalState.running(), o.finalState());
  }

  @Test
  void poweroffExitsAtOnceWithoutAShutdownEvent() {
    ExpectedOutcome o = x86Watchdog(WatchdogAction.POWEROFF);

    assertEquals(List.of("WATCHDOG {action: poweroff}"), described(o));
    assertEquals(new FinalState.QemuExits(0), o.finalState());
  }

  @Test
  void pauseStopsInStateWatchdog() {
    ExpectedOutcome o = x86Watchdog(WatchdogAction.PAUSE);

    assertEquals(List.of("WATCHDOG {action: pause}", "STOP"), described(o));
    assertEquals(new FinalState.Status("watchdog", false), o.finalState());
  }

  @Test
  void debugAndNoneOnlyReport() {
    for (WatchdogAction a : List.of(WatchdogAction.DEBUG, WatchdogAction.NONE)) {
      ExpectedOutcome o = x86Watchdog(a);

      assertEquals(List.of("WATCHDOG {action: " + a.qemuValue() + "}"), described(o));
      assertEquals(FinalState.running(), o.finalState());
    }
  }

  @Test
  void injectNmiLeadsIntoThePanicPath() {
    CellSetup setup =
        x86(PvpanicDevice.Kind.PCI)
            .withTrigger(Trigger.of("watchdog"))
            .withWatchdog(WatchdogAction.INJECT_NMI)
            .withActions(PanicAction.PAUSE, ShutdownAction.DEFAULT);
    ExpectedOutcome o = Oracle.expect(setup, GUEST, qemu(7, 2));

    assertTrue(setup.panics());
    assertEquals(
        List.of("WATCHDOG {action: inject-nmi}", "GUEST_PANICKED {action: pause}", "STOP"),
        described(o));
    assertEquals(FinalState.guestPanicked(), o.finalState());
  }

  @Test
  void injectNmiWithKdumpExpectsTheNmiPanicInTheDump() {
    CellSetup setup =
        x86(PvpanicDevice.Kind.PCI)
            .withTrigger(Trigger.of("watchdog"))
            .withWatchdog(WatchdogAction.INJECT_NMI)
            .withKdump(true, PostNotifiers.CMDLINE)
            .withActions(PanicAction.NONE, ShutdownAction.DEFAULT);
    ExpectedOutcome o = Oracle.expect(setup, GUEST, qemu(7, 2));

    assertEquals(
        List.of(
            "WATCHDOG {action: inject-nmi}",
            "GUEST_CRASHLOADED {action: run}",
            "RESET {guest: true, reason: guest-reset} x1..8"),
        described(o));
    assertEquals(Optional.of("NMI: Not continuing"), o.dumpLogHolds());
  }

  @Test
  void aWatchdogThatDoesNotPanicLeavesTheCaptureKernelAlone() {
    CellSetup setup =
        x86(PvpanicDevice.Kind.PCI)
            .withTrigger(Trigger.of("watchdog"))
            .withWatchdog(WatchdogAction.NONE)
            .withKdump(true, PostNotifiers.OFF);
    ExpectedOutcome o = Oracle.expect(setup, GUEST, qemu(7, 2));

    assertFalse(setup.panics());
    assertFalse(o.captureKernelRuns());
    assertEquals(Optional.empty(), o.dumpLogHolds());
  }

  @Test
  void theBuildMustHaveTheDeviceAndTheAction() {
    CellSetup pause =
        x86(PvpanicDevice.Kind.ISA)
            .withTrigger(Trigger.of("watchdog"))
            .withWatchdog(WatchdogAction.PAUSE);
    Applicability old = Oracle.applicability(pause, qemu(5, 2));
    assertFalse(old.applicable());
    assertTrue(
        ((Applicability.NotApplicable) old).reason().contains("-action watchdog=pause needs QEMU"),
        old.toString());
    // the default action needs no option: QEMU 5.2 resets
    assertTrue(
        Oracle.applicability(pause.withWatchdog(WatchdogAction.DEFAULT), qemu(5, 2)).applicable());

    QemuCapabilities noDevice = withoutI6300esb(qemu(7, 2));
    Applicability missing = Oracle.applicability(pause, noDevice);
    assertTrue(
        ((Applicability.NotApplicable) missing).reason().contains("needs -device i6300esb"),
        missing.toString());
  }

  @Test
  void injectNmiIsRefusedOnArm64NamingWhatWorks() {
    CellSetup setup =
        arm64(PvpanicDevice.Kind.PCI)
            .withTrigger(Trigger.of("watchdog"))
            .withWatchdog(WatchdogAction.INJECT_NMI);
    Applicability a = Oracle.applicability(setup, qemu(11, 1));

    assertFalse(a.applicable());
    assertTrue(
        ((Applicability.NotApplicable) a).reason().contains("use reset, shutdown, poweroff"),
        a.toString());
  }

  @Test
  void anImageWithoutTheDriverIsRefusedBeforeBoot() {
    CellSetup setup = x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("watchdog"));
    ImageFacts without = ImageFacts.of(Cells.kernel("6.12.95"), "module");
    ImageFacts with = without.withTriggerModules(Set.of("i6300esb"));

    Applicability a = Oracle.applicability(setup, without);
    assertFalse(a.applicable());
    assertTrue(
        ((Applicability.NotApplicable) a).reason().contains("loads the module i6300esb"),
        a.toString());
    assertTrue(Oracle.applicability(setup, with).applicable());
    // other triggers need nothing of the image
    assertTrue(Oracle.applicability(x86(PvpanicDevice.Kind.PCI), without).applicable());
  }

  private static QemuCapabilities withoutI6300esb(QemuCapabilities q) {
    return new QemuCapabilities(
        q.version(),
        q.actionOption(),
        q.singlePanicEvent(),
        q.exitFailure(),
        q.pvpanicPci(),
        q.crashLoadedEvent(),
        q.isaEventsProperty(),
        q.pvShutdown(),
        q.eventReasons(),
        q.isaEventsDefault(),
        q.pciEventsDefault(),
        q.machineTypes(),
        false,
        q.watchdogActions(),
        q.notes());
  }
}
