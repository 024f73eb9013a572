package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.arm64;
import static dev.pvpanic.harness.oracle.Cells.described;
import static dev.pvpanic.harness.oracle.Cells.events;
import static dev.pvpanic.harness.oracle.Cells.guest;
import static dev.pvpanic.harness.oracle.Cells.oldGuest;
import static dev.pvpanic.harness.oracle.Cells.qemu;
import static dev.pvpanic.harness.oracle.Cells.riscv64;
import static dev.pvpanic.harness.oracle.Cells.x86;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One test per rule of the oracle, named after the rule. */
class OracleRulesTest {

  private static final String RESETS = "RESET {guest: true, reason: guest-reset} x1..8";
  private static final FinalState RUNNING = new FinalState.Status("running", true);
  private static final FinalState GUEST_PANICKED = new FinalState.Status("guest-panicked", false);
  private static final FinalState SHUTDOWN_PAUSED = new FinalState.Status("shutdown", false);

  @Nested
  class GuestSide {

    @Test
    void panicNotifiersRunAfterKexecOnlyWithPostNotifiers() {
      CellSetup setup = x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.OFF);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));

      assertEquals(List.of(RESETS), described(outcome));
      // the reset, then SeaBIOS's hard reboot: a handful, bounded, never "one or more"
      assertEquals(1, outcome.events().get(0).multiplicity().min());
      assertEquals(8, outcome.events().get(0).multiplicity().max());
      assertTrue(outcome.bootsAgain());
      assertEquals(8, outcome.maxResets());
      assertTrue(outcome.captureKernelRuns());
      assertEquals(RUNNING, outcome.finalState());
      assertTrue(outcome.reasoning().get(0).contains("crash_kexec_post_notifiers off"));
    }

    @Test
    void crashLoadedReplacesPanickedWhenKdumpIsLoadedSinceLinux5_6() {
      CellSetup setup = x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.CMDLINE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.1.0-30-amd64", PvpanicDriver.PVPANIC_PCI, 3), qemu(7, 2));

      assertEquals(List.of("GUEST_CRASHLOADED {action: run}", RESETS), described(outcome));
      assertTrue(
          outcome
              .reasoning()
              .contains(
                  "kdump loaded and crash_kexec_post_notifiers on -> guest sends CRASH_LOADED"
                      + " (Linux >= 5.6)"));
    }

    @Test
    void linuxBefore5_6SendsPanickedEvenWithKdumpLoaded() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.ISA)
              .withKdump(true, PostNotifiers.RUNTIME)
              .withActions(PanicAction.NONE, ShutdownAction.DEFAULT);

      ExpectedOutcome outcome =
          Oracle.expect(setup, oldGuest("5.4.0", PvpanicDriver.PVPANIC), qemu(7, 2));

      assertEquals(List.of("GUEST_PANICKED {action: run}", RESETS), described(outcome));
      assertTrue(outcome.captureKernelRuns());
    }

    @Test
    void linux5_12SendsOnlyWhatTheDeviceAdvertises() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.ISA)
              .withDevice(PvpanicDevice.Kind.ISA, events(1))
              .withKdump(true, PostNotifiers.RUNTIME);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_MMIO, 1), qemu(7, 2));

      assertEquals(List.of(RESETS), described(outcome));
      assertTrue(outcome.captureKernelRuns());
    }

    @Test
    void linux5_12SendsOnlyWhatTheSysfsEventsMaskAllows() {
      GuestFacts panickedDisabled =
          GuestFacts.of(Cells.kernel("6.12.95"), PvpanicDriver.PVPANIC_PCI, 3, 2);

      ExpectedOutcome outcome =
          Oracle.expect(x86(PvpanicDevice.Kind.PCI), panickedDisabled, qemu(7, 2));

      assertEquals(List.of(), described(outcome));
      assertEquals(RUNNING, outcome.finalState());
      assertFalse(outcome.captureKernelRuns());
    }

    @Test
    void linuxBefore5_12WritesTheEventWithoutReadingTheCapability() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.ISA)
              .withDevice(PvpanicDevice.Kind.ISA, events(1))
              .withKdump(true, PostNotifiers.CMDLINE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, oldGuest("5.10.0-33-amd64", PvpanicDriver.PVPANIC), qemu(7, 2));

      // QEMU's handle_event() does not look at its own events property either.
      assertEquals(List.of("GUEST_CRASHLOADED {action: run}", RESETS), described(outcome));
    }

    @Test
    void aCapabilityWithoutCrashLoadedSendsNothingWithKdump() {
      CellSetup setup = x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.CMDLINE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 1), qemu(10, 0));

      assertEquals(List.of(RESETS), described(outcome));
    }

    @Test
    void aLinux61GuestOnQemu10HasCapability3WithoutANote() {
      // capability = register (0x7 on QEMU 10) AND the bits a 6.1 driver knows (0x3)
      ExpectedOutcome outcome =
          Oracle.expect(
              x86(PvpanicDevice.Kind.PCI),
              Cells.oldGuest("6.1.0-30-amd64", PvpanicDriver.PVPANIC_PCI),
              qemu(10, 0));

      assertEquals(
          List.of(
              "GUEST_PANICKED {action: poweroff}", "SHUTDOWN {guest: true, reason: guest-panic}"),
          described(outcome));
      assertTrue(
          outcome.reasoning().stream().anyMatch(r -> r.contains("capability 0x3")),
          outcome.reasoning().toString());
      assertTrue(outcome.reasoning().stream().noneMatch(r -> r.startsWith("note:")));
    }

    @Test
    void withoutABoundDriverTheGuestSendsNothing() {
      ExpectedOutcome outcome =
          Oracle.expect(
              x86(PvpanicDevice.Kind.PCI), oldGuest("5.10.0", PvpanicDriver.NONE), qemu(7, 2));

      assertEquals(List.of(), described(outcome));
      assertEquals(RUNNING, outcome.finalState());
    }

    @Test
    void withoutADeviceTheGuestSendsNothing() {
      ExpectedOutcome outcome =
          Oracle.expect(
              x86(PvpanicDevice.Kind.NONE), oldGuest("6.12.95", PvpanicDriver.NONE), qemu(10, 0));

      assertEquals(List.of(), described(outcome));
      assertEquals(RUNNING, outcome.finalState());
      assertFalse(outcome.captureKernelRuns());
    }

    @Test
    void theIsaDeviceVanishesWithAcpiOff() {
      CellSetup setup = x86(PvpanicDevice.Kind.ISA).withAcpiOff(true);

      ExpectedOutcome outcome =
          Oracle.expect(setup, oldGuest("6.12.95", PvpanicDriver.NONE), qemu(10, 0));

      assertEquals(List.of(), described(outcome));
      assertTrue(outcome.reasoning().stream().anyMatch(r -> r.contains("no pvpanic driver binds")));
    }
  }

  @Nested
  class QemuSide {

    @Test
    void crashLoadedIgnoresThePanicAction() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.PCI)
              .withKdump(true, PostNotifiers.CMDLINE)
              .withActions(PanicAction.PAUSE, ShutdownAction.DEFAULT);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 3), qemu(7, 2));

      assertEquals(List.of("GUEST_CRASHLOADED {action: run}", RESETS), described(outcome));
      assertEquals(RUNNING, outcome.finalState());
    }

    @Test
    void qemuBefore5_0DropsCrashLoaded() {
      CellSetup setup = x86(PvpanicDevice.Kind.ISA).withKdump(true, PostNotifiers.CMDLINE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, oldGuest("5.10.0", PvpanicDriver.PVPANIC), qemu(4, 2));

      assertEquals(List.of(RESETS), described(outcome));
    }

    @Test
    void panickedWithDefaultActionsPowersOffAndExitsZero() {
      ExpectedOutcome outcome = panicked(PanicAction.DEFAULT, ShutdownAction.DEFAULT);

      assertEquals(
          List.of(
              "GUEST_PANICKED {action: poweroff}", "SHUTDOWN {guest: true, reason: guest-panic}"),
          described(outcome));
      assertEquals(new FinalState.QemuExits(0), outcome.finalState());
    }

    @Test
    void panickedWithExitFailureExitsOne() {
      ExpectedOutcome outcome = panicked(PanicAction.EXIT_FAILURE, ShutdownAction.DEFAULT);

      assertEquals(
          List.of(
              "GUEST_PANICKED {action: poweroff}", "SHUTDOWN {guest: true, reason: guest-panic}"),
          described(outcome));
      assertEquals(new FinalState.QemuExits(1), outcome.finalState());
    }

    @Test
    void panickedWithPausePauses() {
      ExpectedOutcome outcome = panicked(PanicAction.PAUSE, ShutdownAction.DEFAULT);

      assertEquals(List.of("GUEST_PANICKED {action: pause}", "STOP"), described(outcome));
      assertEquals(GUEST_PANICKED, outcome.finalState());
    }

    @Test
    void panickedWithShutdownAndShutdownPausePauses() {
      ExpectedOutcome outcome = panicked(PanicAction.SHUTDOWN, ShutdownAction.PAUSE);

      assertEquals(List.of("GUEST_PANICKED {action: pause}", "STOP"), described(outcome));
      assertEquals(GUEST_PANICKED, outcome.finalState());
    }

    @Test
    void panickedWithNoneRunsOnInThePanicLoop() {
      ExpectedOutcome outcome = panicked(PanicAction.NONE, ShutdownAction.POWEROFF);

      assertEquals(List.of("GUEST_PANICKED {action: run}"), described(outcome));
      assertEquals(RUNNING, outcome.finalState());
    }

    @Test
    void panickedWithExitFailureAndShutdownPauseStopsInShutdown() {
      ExpectedOutcome outcome = panicked(PanicAction.EXIT_FAILURE, ShutdownAction.PAUSE);

      assertEquals(
          List.of(
              "GUEST_PANICKED {action: poweroff}",
              "SHUTDOWN {guest: true, reason: guest-panic}",
              "STOP"),
          described(outcome));
      assertEquals(SHUTDOWN_PAUSED, outcome.finalState());
    }

    @Test
    void qemuBefore6_0SendsPauseThenPoweroffWithoutStop() {
      ExpectedOutcome outcome =
          Oracle.expect(
              x86(PvpanicDevice.Kind.ISA), oldGuest("5.10.0", PvpanicDriver.PVPANIC), qemu(5, 2));

      assertEquals(
          List.of(
              "GUEST_PANICKED {action: pause}",
              "GUEST_PANICKED {action: poweroff}",
              "SHUTDOWN {guest: true, reason: guest-panic}"),
          described(outcome));
      assertEquals(new FinalState.QemuExits(0), outcome.finalState());
    }

    @Test
    void noShutdownBefore6_0PausesWithoutASecondEvent() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.ISA).withActions(PanicAction.DEFAULT, ShutdownAction.NO_SHUTDOWN);
      assertTrue(Oracle.applicability(setup, qemu(5, 2)).applicable(), "no -action needed");

      ExpectedOutcome outcome =
          Oracle.expect(setup, oldGuest("5.10.0", PvpanicDriver.PVPANIC), qemu(5, 2));

      assertEquals(List.of("GUEST_PANICKED {action: pause}", "STOP"), described(outcome));
      assertEquals(GUEST_PANICKED, outcome.finalState());
    }

    @Test
    void noShutdownFrom6_0IsShutdownPause() {
      assertEquals(
          described(panicked(PanicAction.DEFAULT, ShutdownAction.PAUSE)),
          described(panicked(PanicAction.DEFAULT, ShutdownAction.NO_SHUTDOWN)));
      assertEquals(
          panicked(PanicAction.EXIT_FAILURE, ShutdownAction.PAUSE).finalState(),
          panicked(PanicAction.EXIT_FAILURE, ShutdownAction.NO_SHUTDOWN).finalState());
    }

    @Test
    void aPanickedThatStopsTheVmKeepsTheCaptureKernelFromRunning() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.ISA)
              .withKdump(true, PostNotifiers.CMDLINE)
              .withActions(PanicAction.PAUSE, ShutdownAction.DEFAULT);

      ExpectedOutcome outcome =
          Oracle.expect(setup, oldGuest("5.4.0", PvpanicDriver.PVPANIC), qemu(7, 2));

      assertEquals(List.of("GUEST_PANICKED {action: pause}", "STOP"), described(outcome));
      assertFalse(outcome.captureKernelRuns());
      assertEquals(GUEST_PANICKED, outcome.finalState());
    }

    private ExpectedOutcome panicked(PanicAction panic, ShutdownAction shutdown) {
      CellSetup setup = x86(PvpanicDevice.Kind.PCI).withActions(panic, shutdown);
      return Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));
    }
  }

  @Nested
  class PanicTriggers {

    @Test
    void aSerialBreakAndAnNmiPanicLikeSysrqCWithTheirReasons() {
      for (Trigger t : List.of(Trigger.of("sysrq-break"), Trigger.of("nmi"))) {
        CellSetup sysrq = x86(PvpanicDevice.Kind.PCI);
        CellSetup other = x86(PvpanicDevice.Kind.PCI).withTrigger(t);
        ExpectedOutcome a =
            Oracle.expect(sysrq, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));
        ExpectedOutcome b =
            Oracle.expect(other, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));
        assertEquals(described(a), described(b), t.id());
        assertEquals(a.finalState(), b.finalState(), t.id());
        assertTrue(
            String.join("\n", b.reasoning())
                .contains(t == Trigger.of("nmi") ? "unknown_nmi_panic=1" : "kernel.sysrq=1"),
            b.reasoning().toString());
      }
    }

    @Test
    void anNmiCannotBeInjectedIntoAnArmVirtMachine() {
      CellSetup setup = arm64(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("nmi"));
      Applicability a = Oracle.applicability(setup, qemu(11, 1));
      assertTrue(a instanceof Applicability.NotApplicable, a.toString());
      assertTrue(
          ((Applicability.NotApplicable) a).reason().contains("use sysrq-c or sysrq-break"),
          a.toString());
      assertTrue(
          Oracle.applicability(
                  arm64(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("sysrq-break")), qemu(11, 1))
              instanceof Applicability.Applicable);
    }
  }

  @Nested
  class PowerOff {

    @Test
    void acpiPowersOffBeforePvpanicSoNoPvShutdown() {
      CellSetup setup = x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("poweroff"));

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));

      assertEquals(List.of("SHUTDOWN {guest: true, reason: guest-shutdown}"), described(outcome));
      assertEquals(new FinalState.QemuExits(0), outcome.finalState());
    }

    @Test
    void shutdownPauseStopsTheVmInStateShutdown() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.ISA)
              .withTrigger(Trigger.of("poweroff"))
              .withActions(PanicAction.DEFAULT, ShutdownAction.PAUSE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_MMIO, 7), qemu(10, 0));

      assertEquals(
          List.of("SHUTDOWN {guest: true, reason: guest-shutdown}", "STOP"), described(outcome));
      assertEquals(SHUTDOWN_PAUSED, outcome.finalState());
    }

    @Test
    void psciPowersOffArm64BeforePvpanic() {
      CellSetup setup = arm64(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("poweroff"));

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));

      assertEquals(List.of("SHUTDOWN {guest: true, reason: guest-shutdown}"), described(outcome));
      assertTrue(outcome.reasoning().get(0).startsWith("PSCI SYSTEM_OFF"));
    }

    @Test
    void riscvPowersOffThroughTheTestFinisherWhichExitsQemuBefore82() {
      CellSetup setup =
          riscv64(PvpanicDevice.Kind.PCI)
              .withTrigger(Trigger.of("poweroff"))
              .withActions(PanicAction.DEFAULT, ShutdownAction.PAUSE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, oldGuest("6.12.117", PvpanicDriver.NONE), qemu(7, 2));

      assertEquals(List.of(), described(outcome), "exit(0): no SHUTDOWN, no shutdown=pause");
      assertEquals(new FinalState.QemuExits(0), outcome.finalState());
      assertTrue(outcome.reasoning().get(0).contains("test finisher"), outcome.reasoning().get(0));
    }

    @Test
    void riscvFromQemu82TheTestFinisherRequestsAShutdownThatHonoursTheAction() {
      CellSetup setup =
          riscv64(PvpanicDevice.Kind.PCI)
              .withTrigger(Trigger.of("poweroff"))
              .withActions(PanicAction.DEFAULT, ShutdownAction.PAUSE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.117", PvpanicDriver.PVPANIC_PCI, 7), qemu(8, 2));

      assertEquals(
          List.of("SHUTDOWN {guest: true, reason: guest-shutdown}", "STOP"), described(outcome));
      assertEquals(SHUTDOWN_PAUSED, outcome.finalState());
    }

    @Test
    void pvpanicPowersOffWhenAcpiIsOff() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("poweroff")).withAcpiOff(true);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));

      assertEquals(
          List.of("GUEST_PVSHUTDOWN", "SHUTDOWN {guest: true, reason: guest-shutdown}"),
          described(outcome));
      assertEquals(new FinalState.QemuExits(0), outcome.finalState());
    }

    @Test
    void pvpanicPowerOffWithShutdownPauseStops() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.PCI)
              .withTrigger(Trigger.of("poweroff"))
              .withAcpiOff(true)
              .withActions(PanicAction.DEFAULT, ShutdownAction.PAUSE);

      ExpectedOutcome outcome =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7), qemu(9, 1));

      assertEquals(
          List.of("GUEST_PVSHUTDOWN", "SHUTDOWN {guest: true, reason: guest-shutdown}", "STOP"),
          described(outcome));
      assertEquals(SHUTDOWN_PAUSED, outcome.finalState());
    }

    @Test
    void withoutAcpiOrPvpanicShutdownTheKernelHalts() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("poweroff")).withAcpiOff(true);

      ExpectedOutcome oldQemu =
          Oracle.expect(setup, guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 3), qemu(7, 2));
      ExpectedOutcome oldKernel =
          Oracle.expect(setup, guest("6.1.0", PvpanicDriver.PVPANIC_PCI, 7), qemu(10, 0));

      for (ExpectedOutcome outcome : List.of(oldQemu, oldKernel)) {
        assertEquals(List.of(), described(outcome));
        assertEquals(RUNNING, outcome.finalState());
        assertTrue(outcome.reasoning().get(outcome.reasoning().size() - 1).contains("halts"));
      }
    }
  }

  @Nested
  class DeviceCapability {

    @Test
    void isaAdvertisesPanickedOnlyBeforeQemu5_2() {
      assertEquals(
          1, qemu(5, 1).advertisedEvents(PvpanicDevice.Kind.ISA, Optional.empty(), none()));
    }

    @Test
    void isaAdvertisesPanickedAndCrashLoadedFromQemu5_2() {
      assertEquals(
          3, qemu(5, 2).advertisedEvents(PvpanicDevice.Kind.ISA, Optional.empty(), none()));
    }

    @Test
    void machineTypesUpTo5_1ForceIsaEventsToPanicked() {
      Optional<MachineType> old = Optional.of(new MachineType("pc-q35-5.1"));
      Optional<MachineType> newer = Optional.of(new MachineType("pc-q35-5.2"));

      assertEquals(1, qemu(10, 0).advertisedEvents(PvpanicDevice.Kind.ISA, Optional.empty(), old));
      assertEquals(
          7, qemu(10, 0).advertisedEvents(PvpanicDevice.Kind.ISA, Optional.empty(), newer));
      assertEquals(7, qemu(10, 0).advertisedEvents(PvpanicDevice.Kind.PCI, Optional.empty(), old));
    }

    @Test
    void shutdownIsAdvertisedFromQemu9_1() {
      assertEquals(
          3, qemu(9, 0).advertisedEvents(PvpanicDevice.Kind.PCI, Optional.empty(), none()));
      assertEquals(
          7, qemu(9, 1).advertisedEvents(PvpanicDevice.Kind.PCI, Optional.empty(), none()));
    }

    @Test
    void theEventsPropertyIsWhatTheDeviceAdvertises() {
      assertEquals(2, qemu(10, 0).advertisedEvents(PvpanicDevice.Kind.PCI, events(2), none()));
    }

    @Test
    void anOldMachineTypeHidesCrashLoadedFromANewGuest() {
      CellSetup setup =
          x86(PvpanicDevice.Kind.ISA)
              .withMachineType("pc-q35-5.1")
              .withKdump(true, PostNotifiers.CMDLINE);
      GuestFacts reportedNothing =
          new GuestFacts(
              Cells.kernel("6.12.95"),
              PvpanicDriver.PVPANIC_MMIO,
              java.util.OptionalInt.empty(),
              java.util.OptionalInt.empty());

      ExpectedOutcome outcome = Oracle.expect(setup, reportedNothing, qemu(7, 2));

      assertEquals(List.of(RESETS), described(outcome));
    }

    private Optional<MachineType> none() {
      return Optional.empty();
    }
  }
}
