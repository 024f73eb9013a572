package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Predicts the exact QMP events and final state of one cell from rules about the guest kernel
 * ({@link LinuxRules}) and QEMU ({@link QemuRules}), never from recorded runs. Pure: no I/O, no
 * state.
 */
public final class Oracle {
  /** The most RESET events one reboot gives on any architecture (x86's SeaBIOS, see QemuRules). */
  public static final int MOST_RESETS_PER_REBOOT = QemuRules.X86_REBOOT_RESETS;

  private Oracle() {}

  /**
   * The text {@code panic()} is given when the cell's trigger panics its guest (printed as "Kernel
   * panic - not syncing: <text>"); empty when it does not panic.
   */
  public static Optional<String> panicMessage(CellSetup setup) {
    return LinuxRules.panicMessage(setup);
  }

  /**
   * Whether the cell's trigger can run on this image (it brings the modules the trigger loads);
   * decided from the image's manifest before the guest boots.
   */
  public static Applicability applicability(CellSetup setup, ImageFacts image) {
    return Applicability.ofImage(setup, image);
  }

  /** Whether the cell can exist with this QEMU; the matrix leaves it out with the reason if not. */
  public static Applicability applicability(CellSetup setup, QemuCapabilities qemu) {
    return Applicability.of(setup, qemu);
  }

  /**
   * The expected outcome of one cell, from declared inputs alone: the cell's setup, the image's
   * manifest and the QEMU build. {@code report} (what the guest printed) is read only for a fact
   * the image does not declare, and the expectation then says it went by the guest; every other
   * reported fact is an observation {@link OutcomeComparison} checks.
   *
   * @throws CellNotApplicableException when {@link #applicability} says the cell cannot exist
   */
  public static ExpectedOutcome expect(
      CellSetup setup, ImageFacts image, QemuCapabilities qemu, GuestReport report) {
    GuestExpectation guest = GuestExpectation.derive(setup, image, qemu, report);
    ExpectedOutcome events = expect(setup, guest.facts(), qemu);
    List<String> reasoning = new ArrayList<>(qemu.notes());
    reasoning.addAll(guest.reasoning());
    reasoning.addAll(events.reasoning());
    return new ExpectedOutcome(
        events.events(),
        events.finalState(),
        events.captureKernelRuns(),
        reasoning,
        Optional.of(guest),
        events.dumpLogHolds());
  }

  /**
   * The events and final state for a guest whose facts are already derived.
   *
   * @throws CellNotApplicableException when {@link #applicability} says the cell cannot exist
   */
  static ExpectedOutcome expect(CellSetup setup, GuestFacts guest, QemuCapabilities qemu) {
    if (applicability(setup, qemu) instanceof Applicability.NotApplicable notApplicable) {
      throw new CellNotApplicableException(
          "no expectation for a cell that cannot run with QEMU "
              + qemu.version()
              + ": "
              + notApplicable.reason());
    }
    Prediction prediction = new Prediction();
    switch (setup.trigger()) {
      case SYSRQ_C -> panic(setup, guest, qemu, prediction);
      case SYSRQ_BREAK -> {
        prediction.because(
            "a serial BREAK then 'c' with kernel.sysrq=1 (set while arming; Debian's default mask"
                + " 0x1b6 lacks the crash op's 0x08) -> sysrq crash: the kernel panics");
        panic(setup, guest, qemu, prediction);
      }
      case NMI -> {
        prediction.because(
            "QMP inject-nmi with kernel.unknown_nmi_panic=1 (set while arming) -> an NMI no"
                + " handler claims: nmi_panic(\"NMI: Not continuing\")");
        panic(setup, guest, qemu, prediction);
      }
      case POWEROFF -> powerOff(setup, guest, qemu, prediction);
      case WATCHDOG -> watchdog(setup, guest, qemu, prediction);
      case OOPS -> {
        prediction.because(
            "the crasher module dereferences NULL with kernel.panic_on_oops=1 (set while arming)"
                + " -> the oops becomes a panic");
        if (LinuxRules.oopsKexecsBeforePanic(setup)) {
          prediction.because(
              "kdump loaded and crash_kexec_post_notifiers off -> the oops path calls"
                  + " crash_kexec() before panic() (kexec_should_crash: panic_on_oops): no panic"
                  + " notifier, no pvpanic event, no panic line in the dump's log");
          captureKernelRuns(prediction, setup.architecture());
        } else {
          panic(setup, guest, qemu, prediction);
        }
      }
      case OOPS_NO_PANIC -> {
        prediction.because(
            "the crasher module dereferences NULL with kernel.panic_on_oops=0 -> an oops is not a"
                + " panic: the kernel kills the task that oopsed (insmod, neither init nor in an"
                + " interrupt, so kexec_should_crash() is false and no crash kernel runs either)"
                + " and goes on; no panic notifier runs -> no pvpanic event, status running");
        prediction.end(FinalState.running());
      }
    }
    if (prediction.captureKernelRuns) {
      prediction.dumpLogHolds = LinuxRules.panicMessage(setup);
      prediction.dumpLogHolds.ifPresent(
          m ->
              prediction.because(
                  "the capture kernel reads the panicked kernel's log from /proc/vmcore"
                      + " (vmcore-dmesg): it holds the panic '"
                      + m
                      + "'"));
    }
    return prediction.outcome();
  }

  private static void panic(
      CellSetup setup, GuestFacts guest, QemuCapabilities qemu, Prediction prediction) {
    boolean kdump = setup.kdumpLoaded();
    if (!LinuxRules.panicNotifiersRun(kdump, setup.postNotifiers())) {
      prediction.because(
          "kdump loaded and crash_kexec_post_notifiers off -> panic() kexecs the capture kernel"
              + " before the panic notifiers run: no pvpanic event");
      captureKernelRuns(prediction, setup.architecture());
      return;
    }
    Optional<PvpanicEvent> written = eventWrittenAtPanic(setup, guest, qemu, prediction);
    if (written.isPresent()) {
      QemuRules.Reaction reaction =
          switch (written.get()) {
            case CRASH_LOADED -> crashLoadedHandled(qemu, prediction);
            case PANICKED -> panickedHandled(setup, qemu, prediction);
            case SHUTDOWN -> throw new IllegalStateException("SHUTDOWN is not a panic event");
          };
      if (prediction.apply(reaction)) {
        if (kdump) {
          prediction.because(
              "the VM is stopped before panic() reaches kexec: the capture kernel never runs");
        }
        return;
      }
    }
    if (kdump) {
      captureKernelRuns(prediction, setup.architecture());
    } else {
      prediction.because(
          "no crash kernel -> the guest stays in its panic loop (no panic= timeout on its"
              + " command line): status running");
      prediction.end(FinalState.running());
    }
  }

  /** Which pvpanic event, if any, reaches the device; adds the reasons to {@code prediction}. */
  private static Optional<PvpanicEvent> eventWrittenAtPanic(
      CellSetup setup, GuestFacts guest, QemuCapabilities qemu, Prediction prediction) {
    if (!driverBound(setup, guest, prediction)) {
      return Optional.empty();
    }
    boolean kdump = setup.kdumpLoaded();
    KernelVersion kernel = guest.kernel();
    PvpanicEvent event = LinuxRules.eventAtPanic(kernel, kdump);
    DeviceMask mask = DeviceMask.of(setup, guest, qemu);
    boolean written = LinuxRules.writesEvent(kernel, event, mask.capability(), mask.events());
    String sends = written ? "guest sends " : "guest would send ";
    if (!kdump) {
      prediction.because("no crash kernel loaded -> the panic notifiers run: " + sends + event);
    } else if (event == PvpanicEvent.CRASH_LOADED) {
      prediction.because(
          "kdump loaded and crash_kexec_post_notifiers on -> " + sends + event + " (Linux >= 5.6)");
    } else {
      prediction.because(
          "kdump loaded and crash_kexec_post_notifiers on, but Linux "
              + kernel
              + " < 5.6 knows no CRASH_LOADED -> "
              + sends
              + event);
    }
    if (!LinuxRules.readsCapability(kernel)) {
      prediction.because(
          "Linux "
              + kernel
              + " < 5.12 writes "
              + event
              + " without reading what the device"
              + " advertises");
    } else {
      prediction.because(
          mask.describe()
              + (written
                  ? " -> " + event + " is written"
                  : " -> " + event + " is not among them: nothing is written")
              + " (Linux >= 5.12 sends only what the device advertises and sysfs events allows)");
    }
    return written ? Optional.of(event) : Optional.empty();
  }

  private static boolean driverBound(CellSetup setup, GuestFacts guest, Prediction prediction) {
    if (setup.device() == PvpanicDevice.Kind.NONE) {
      prediction.because("no pvpanic device -> the guest has nothing to write to");
      return false;
    }
    if (!guest.driver().bound()) {
      prediction.because("no pvpanic driver binds the device -> the guest sends nothing");
      return false;
    }
    return true;
  }

  private static QemuRules.Reaction crashLoadedHandled(QemuCapabilities qemu, Prediction p) {
    QemuRules.Reaction reaction = QemuRules.onCrashLoaded(qemu);
    if (reaction.events().isEmpty()) {
      p.because("QEMU " + qemu.version() + " < 5.0 does not know CRASH_LOADED and drops it");
    } else {
      p.because(
          "QEMU handles CRASH_LOADED with GUEST_CRASHLOADED{action: run} whatever -action says;"
              + " the guest goes on into kdump");
    }
    return reaction;
  }

  private static QemuRules.Reaction panickedHandled(
      CellSetup setup, QemuCapabilities qemu, Prediction p) {
    QemuRules.Reaction reaction =
        QemuRules.onPanicked(qemu, setup.panicAction(), setup.shutdownAction());
    String how =
        qemu.singlePanicEvent()
            ? "QEMU with " + actions(setup)
            : "QEMU " + qemu.version() + " < 6.0 (no -action: pause, then power off)";
    p.because(how + " handles PANICKED -> " + describe(reaction));
    return reaction;
  }

  /**
   * The guest arms the i6300esb and stops feeding it; at the end of its second stage QEMU performs
   * the cell's -action watchdog= ({@link QemuRules#onWatchdogExpired}). inject-nmi then goes on
   * like the nmi trigger.
   */
  private static void watchdog(
      CellSetup setup, GuestFacts guest, QemuCapabilities qemu, Prediction prediction) {
    WatchdogAction action = setup.watchdogAction();
    prediction.because(
        "the guest opens /dev/watchdog (i6300esb, heartbeat 2 s) and stops feeding it: stage 1"
            + " runs out (no interrupt: the driver disables it), stage 2 runs out -> QEMU performs"
            + " -action watchdog="
            + action.qemuValue()
            + (action == WatchdogAction.DEFAULT ? " (default)" : ""));
    QemuRules.Reaction reaction = QemuRules.onWatchdogExpired(action, setup.architecture());
    prediction.because("QEMU -> " + describe(reaction));
    if (prediction.apply(reaction)) {
      return;
    }
    if (action.effective() == WatchdogAction.INJECT_NMI) {
      prediction.because(
          "the NMI reaches every vCPU with kernel.unknown_nmi_panic=1 (set while arming) -> an"
              + " NMI no handler claims: nmi_panic(\"NMI: Not continuing\")");
      panic(setup, guest, qemu, prediction);
      return;
    }
    prediction.end(FinalState.running());
  }

  private static String firmwarePowerOff(Architecture architecture) {
    return switch (architecture) {
      case X86_64 -> "ACPI (S5)";
      case AARCH64 -> "PSCI SYSTEM_OFF";
      case RISCV64 -> "The SBI shutdown (or syscon-poweroff) on the virt machine's test finisher";
    };
  }

  private static void powerOff(
      CellSetup setup, GuestFacts guest, QemuCapabilities qemu, Prediction prediction) {
    if (LinuxRules.firmwarePowersOff(setup.architecture(), setup.acpiOff())) {
      prediction.because(
          firmwarePowerOff(setup.architecture())
              + " powers the guest off before pvpanic's lowest-priority power-off handler could"
              + " run -> no GUEST_PVSHUTDOWN");
      if (setup.architecture() == Architecture.RISCV64
          && !QemuRules.finisherRequestsShutdown(qemu)) {
        prediction.because(
            "QEMU "
                + qemu.version()
                + " < 8.2: the test finisher's PASS write calls exit(0) -> no SHUTDOWN event,"
                + " -action shutdown= is not consulted; QEMU exits 0");
        prediction.apply(QemuRules.onFinisherExit());
        return;
      }
      QemuRules.Reaction reaction =
          QemuRules.onShutdownRequest(
              "guest-shutdown", setup.panicAction(), setup.shutdownAction());
      prediction.because("QEMU with " + actions(setup) + " -> " + describe(reaction));
      prediction.apply(reaction);
      return;
    }
    prediction.because("acpi=off -> x86 has no firmware power-off");
    if (driverBound(setup, guest, prediction)) {
      KernelVersion kernel = guest.kernel();
      DeviceMask mask = DeviceMask.of(setup, guest, qemu);
      if (LinuxRules.pvpanicPowersOff(kernel, mask.capability(), mask.events())) {
        prediction.because(
            mask.describe()
                + " -> Linux >= 6.10 powers off through pvpanic: the guest writes SHUTDOWN");
        QemuRules.Reaction reaction =
            QemuRules.onPvShutdown(qemu, setup.panicAction(), setup.shutdownAction());
        if (!reaction.events().isEmpty()) {
          prediction.because("QEMU with " + actions(setup) + " -> " + describe(reaction));
          prediction.apply(reaction);
          return;
        }
        prediction.because("QEMU " + qemu.version() + " < 9.1 drops SHUTDOWN");
      } else if (!kernel.atLeast(6, 10)) {
        prediction.because("Linux " + kernel + " < 6.10 has no pvpanic power-off");
      } else {
        prediction.because(
            mask.describe() + " -> SHUTDOWN is not among them: no pvpanic power-off");
      }
    }
    prediction.because(
        "nothing can power the guest off -> the kernel halts instead (\"Power off not"
            + " available: System halted instead\"): no QMP event, status running");
    prediction.end(FinalState.running());
  }

  private static void captureKernelRuns(Prediction prediction, Architecture architecture) {
    prediction.captureKernelRuns = true;
    QemuRules.Reaction reboot = QemuRules.onCaptureKernelReboot(architecture);
    prediction.because(
        "the capture kernel runs, prints VMCORE and reboots -> "
            + reboot.events().stream()
                .map(ExpectedEvent::describe)
                .collect(Collectors.joining(", "))
            + " ("
            + rule(reboot)
            + "), then the guest is seen booting again: status running");
    prediction.apply(reboot);
    prediction.end(FinalState.running());
  }

  /** The rule that bounds a reaction's repeated events, or "exactly once". */
  private static String rule(QemuRules.Reaction reaction) {
    return reaction.events().stream()
        .map(e -> e.multiplicity().rule())
        .filter(r -> !r.isEmpty())
        .findFirst()
        .orElse("exactly once");
  }

  private static String actions(CellSetup setup) {
    return "panic="
        + setup.panicAction().effective().qemuValue()
        + (setup.panicAction() == PanicAction.DEFAULT ? " (default)" : "")
        + ", shutdown="
        + setup.shutdownAction().effective().qemuValue()
        + (setup.shutdownAction() == ShutdownAction.DEFAULT ? " (default)" : "");
  }

  private static String describe(QemuRules.Reaction reaction) {
    String events =
        reaction.events().stream().map(ExpectedEvent::describe).collect(Collectors.joining(", "));
    String end = reaction.end().map(FinalState::describe).orElse("the guest runs on");
    return (events.isEmpty() ? "no event" : events) + "; " + end;
  }

  /**
   * What the guest's driver holds as capability (what the device advertises AND the bits the driver
   * knows) and as its sysfs events mask.
   */
  private record DeviceMask(int capability, int events, String describe) {

    static DeviceMask of(CellSetup setup, GuestFacts guest, QemuCapabilities qemu) {
      int advertised =
          qemu.advertisedEvents(
              setup.device(), setup.deviceEvents(), setup.machineType().map(MachineType::new));
      int capability =
          guest.capability().orElse(advertised & LinuxRules.knownEventBits(guest.kernel()));
      // devm_pvpanic_probe(): pi->events = pi->capability until someone writes sysfs events.
      int events = guest.events().orElse(capability);
      String describe =
          setup.device().qemuName()
              + " advertises "
              + PvpanicEvent.describe(advertised)
              + ", the driver's capability "
              + PvpanicEvent.describe(capability)
              + ", sysfs events "
              + PvpanicEvent.describe(events);
      return new DeviceMask(capability, events, describe);
    }
  }

  /** The outcome being built; mutable and local to one {@link #expect} call. */
  private static final class Prediction {
    private final List<ExpectedEvent> events = new ArrayList<>();
    private final List<String> reasoning = new ArrayList<>();
    private FinalState finalState;
    private boolean captureKernelRuns;
    private Optional<String> dumpLogHolds = Optional.empty();

    void because(String reason) {
      reasoning.add(reason);
    }

    /** Adds QEMU's events; true when QEMU stopped the guest or exited (the cell ends there). */
    boolean apply(QemuRules.Reaction reaction) {
      events.addAll(reaction.events());
      reaction.end().ifPresent(this::end);
      return reaction.end().isPresent();
    }

    void end(FinalState state) {
      finalState = state;
    }

    ExpectedOutcome outcome() {
      if (finalState == null) {
        throw new IllegalStateException("the oracle reached no final state: " + reasoning);
      }
      return new ExpectedOutcome(
          events, finalState, captureKernelRuns, reasoning, Optional.empty(), dumpLogHolds);
    }
  }
}
