package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome a trigger's rule builds ({@link Trigger#predict}), with the vocabulary the rules
 * share: the panic path every panicking trigger takes ({@link #panic}), the capture kernel's run
 * and reboot, QEMU's reactions. Mutable and local to one {@link Oracle#expect} call; every step
 * adds the reason it holds.
 */
public final class Prediction {
  private final CellSetup setup;
  private final GuestFacts guest;
  private final QemuCapabilities qemu;
  private final List<ExpectedEvent> events = new ArrayList<>();
  private final List<String> reasoning = new ArrayList<>();
  private FinalState finalState;
  private boolean captureKernelRuns;

  Prediction(CellSetup setup, GuestFacts guest, QemuCapabilities qemu) {
    this.setup = setup;
    this.guest = guest;
    this.qemu = qemu;
  }

  public CellSetup setup() {
    return setup;
  }

  /** The guest's facts, derived before it booted (or filled from its report where undeclared). */
  public GuestFacts guest() {
    return guest;
  }

  public QemuCapabilities qemu() {
    return qemu;
  }

  /** Adds a reason to the expectation's reasoning. */
  public void because(String reason) {
    reasoning.add(reason);
  }

  /** Adds QEMU's events; true when QEMU stopped the guest or exited (the cell ends there). */
  public boolean apply(QemuRules.Reaction reaction) {
    events.addAll(reaction.events());
    reaction.end().ifPresent(this::end);
    return reaction.end().isPresent();
  }

  /** How the cell ends. */
  public void end(FinalState state) {
    finalState = state;
  }

  /**
   * The kernel panics: panic() either kexecs the capture kernel before its notifiers (kdump loaded,
   * crash_kexec_post_notifiers off) or runs them, pvpanic's among them, which writes the event the
   * kernel and the device agree on; QEMU handles it; then the capture kernel runs, or the guest
   * stays in its panic loop.
   */
  public void panic() {
    boolean kdump = setup.kdumpLoaded();
    if (!LinuxRules.panicNotifiersRun(kdump, setup.postNotifiers())) {
      because(
          "kdump loaded and crash_kexec_post_notifiers off -> panic() kexecs the capture kernel"
              + " before the panic notifiers run: no pvpanic event");
      captureKernelRuns();
      return;
    }
    Optional<PvpanicEvent> written = eventWrittenAtPanic();
    if (written.isPresent()) {
      QemuRules.Reaction reaction =
          switch (written.get()) {
            case CRASH_LOADED -> crashLoadedHandled();
            case PANICKED -> panickedHandled();
            case SHUTDOWN -> throw new IllegalStateException("SHUTDOWN is not a panic event");
          };
      if (apply(reaction)) {
        if (kdump) {
          because("the VM is stopped before panic() reaches kexec: the capture kernel never runs");
        }
        return;
      }
    }
    if (kdump) {
      captureKernelRuns();
    } else {
      because(
          "no crash kernel -> the guest stays in its panic loop (no panic= timeout on its"
              + " command line): status running");
      end(FinalState.running());
    }
  }

  /**
   * The capture kernel runs, prints VMCORE and reboots: QEMU's RESETs, then the guest is seen
   * booting again.
   */
  public void captureKernelRuns() {
    captureKernelRuns = true;
    QemuRules.Reaction reboot = QemuRules.onCaptureKernelReboot(setup.architecture());
    because(
        "the capture kernel runs, prints VMCORE and reboots -> "
            + reboot.events().stream()
                .map(ExpectedEvent::describe)
                .collect(Collectors.joining(", "))
            + " ("
            + rule(reboot)
            + "), then the guest is seen booting again: status running");
    apply(reboot);
    end(FinalState.running());
  }

  /** Whether a pvpanic driver is bound to a device; adds the reason when not. */
  public boolean driverBound() {
    if (setup.device() == PvpanicDevice.Kind.NONE) {
      because("no pvpanic device -> the guest has nothing to write to");
      return false;
    }
    if (!guest.driver().bound()) {
      because("no pvpanic driver binds the device -> the guest sends nothing");
      return false;
    }
    return true;
  }

  /** What the guest's driver holds as capability and sysfs events mask. */
  public DeviceMask deviceMask() {
    return DeviceMask.of(setup, guest, qemu);
  }

  /** The cell's QEMU actions, as the reasoning names them. */
  public String actions() {
    return "panic="
        + setup.panicAction().effective().qemuValue()
        + (setup.panicAction() == PanicAction.DEFAULT ? " (default)" : "")
        + ", shutdown="
        + setup.shutdownAction().effective().qemuValue()
        + (setup.shutdownAction() == ShutdownAction.DEFAULT ? " (default)" : "");
  }

  /** A reaction's events and end, as the reasoning names them. */
  public static String describe(QemuRules.Reaction reaction) {
    String events =
        reaction.events().stream().map(ExpectedEvent::describe).collect(Collectors.joining(", "));
    String end = reaction.end().map(FinalState::describe).orElse("the guest runs on");
    return (events.isEmpty() ? "no event" : events) + "; " + end;
  }

  boolean captureKernelRunsPredicted() {
    return captureKernelRuns;
  }

  List<String> reasoning() {
    return reasoning;
  }

  ExpectedOutcome outcome(Optional<String> dumpLogHolds) {
    if (finalState == null) {
      throw new IllegalStateException("the oracle reached no final state: " + reasoning);
    }
    return new ExpectedOutcome(
        events, finalState, captureKernelRuns, reasoning, Optional.empty(), dumpLogHolds);
  }

  /** Which pvpanic event, if any, reaches the device; adds the reasons. */
  private Optional<PvpanicEvent> eventWrittenAtPanic() {
    if (!driverBound()) {
      return Optional.empty();
    }
    boolean kdump = setup.kdumpLoaded();
    KernelVersion kernel = guest.kernel();
    PvpanicEvent event = LinuxRules.eventAtPanic(kernel, kdump);
    DeviceMask mask = deviceMask();
    boolean written = LinuxRules.writesEvent(kernel, event, mask.capability(), mask.events());
    String sends = written ? "guest sends " : "guest would send ";
    if (!kdump) {
      because("no crash kernel loaded -> the panic notifiers run: " + sends + event);
    } else if (event == PvpanicEvent.CRASH_LOADED) {
      because(
          "kdump loaded and crash_kexec_post_notifiers on -> " + sends + event + " (Linux >= 5.6)");
    } else {
      because(
          "kdump loaded and crash_kexec_post_notifiers on, but Linux "
              + kernel
              + " < 5.6 knows no CRASH_LOADED -> "
              + sends
              + event);
    }
    if (!LinuxRules.readsCapability(kernel)) {
      because(
          "Linux "
              + kernel
              + " < 5.12 writes "
              + event
              + " without reading what the device"
              + " advertises");
    } else {
      because(
          mask.describe()
              + (written
                  ? " -> " + event + " is written"
                  : " -> " + event + " is not among them: nothing is written")
              + " (Linux >= 5.12 sends only what the device advertises and sysfs events allows)");
    }
    return written ? Optional.of(event) : Optional.empty();
  }

  private QemuRules.Reaction crashLoadedHandled() {
    QemuRules.Reaction reaction = QemuRules.onCrashLoaded(qemu);
    if (reaction.events().isEmpty()) {
      because("QEMU " + qemu.version() + " < 5.0 does not know CRASH_LOADED and drops it");
    } else {
      because(
          "QEMU handles CRASH_LOADED with GUEST_CRASHLOADED{action: run} whatever -action says;"
              + " the guest goes on into kdump");
    }
    return reaction;
  }

  private QemuRules.Reaction panickedHandled() {
    QemuRules.Reaction reaction =
        QemuRules.onPanicked(qemu, setup.panicAction(), setup.shutdownAction());
    String how =
        qemu.singlePanicEvent()
            ? "QEMU with " + actions()
            : "QEMU " + qemu.version() + " < 6.0 (no -action: pause, then power off)";
    because(how + " handles PANICKED -> " + describe(reaction));
    return reaction;
  }

  /** The rule that bounds a reaction's repeated events, or "exactly once". */
  private static String rule(QemuRules.Reaction reaction) {
    return reaction.events().stream()
        .map(e -> e.multiplicity().rule())
        .filter(r -> !r.isEmpty())
        .findFirst()
        .orElse("exactly once");
  }

  /**
   * What the guest's driver holds as capability (what the device advertises AND the bits the driver
   * knows) and as its sysfs events mask.
   */
  public record DeviceMask(int capability, int events, String describe) {

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
}
