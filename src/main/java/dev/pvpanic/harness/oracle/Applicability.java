package dev.pvpanic.harness.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a cell can exist with a given QEMU build. Decided from the setup and QEMU alone, before
 * any guest boots, so the matrix can leave a cell out and say why.
 */
public sealed interface Applicability {

  boolean applicable();

  /** The cell can run. */
  record Applicable() implements Applicability {
    @Override
    public boolean applicable() {
      return true;
    }
  }

  /** The cell cannot exist; {@code reasons} say why, one per broken rule. */
  record NotApplicable(List<String> reasons) implements Applicability {
    public NotApplicable {
      reasons = List.copyOf(reasons);
      if (reasons.isEmpty()) {
        throw new IllegalArgumentException("a not-applicable cell needs a reason");
      }
    }

    @Override
    public boolean applicable() {
      return false;
    }

    /** All reasons in one line, for a skipped cell's message. */
    public String reason() {
      return String.join("; ", reasons);
    }
  }

  /** Checks every rule and collects each one the cell breaks. */
  static Applicability of(CellSetup setup, QemuCapabilities qemu) {
    List<String> reasons = new ArrayList<>();
    Optional<MachineType> machine = setup.machineType().map(MachineType::new);
    acpiOffIsX86Only(setup).ifPresent(reasons::add);
    isaDeviceIsX86Only(setup).ifPresent(reasons::add);
    machineTypeMatchesArchitecture(setup, machine).ifPresent(reasons::add);
    machineTypeExistsInThisQemu(machine, qemu).ifPresent(reasons::add);
    pvpanicPciNeedsQemu60(setup, qemu).ifPresent(reasons::add);
    actionOptionNeedsQemu60(setup, qemu).ifPresent(reasons::add);
    exitFailureNeedsQemu71(setup, qemu).ifPresent(reasons::add);
    eventsPropertyNeedsADevice(setup).ifPresent(reasons::add);
    isaEventsPropertyNeedsQemu52(setup, qemu).ifPresent(reasons::add);
    eventReasonsNeedQemu40(qemu).ifPresent(reasons::add);
    nmiIsX86Only(setup).ifPresent(reasons::add);
    watchdogNeedsI6300esb(setup, qemu).ifPresent(reasons::add);
    watchdogActionNeedsTheBuild(setup, qemu).ifPresent(reasons::add);
    watchdogNmiIsX86Only(setup).ifPresent(reasons::add);
    return reasons.isEmpty() ? new Applicable() : new NotApplicable(reasons);
  }

  /**
   * Whether the image brings what the cell's trigger loads: the i6300esb driver for the watchdog
   * (from the kernel package; ImageBuilder), the harness's crasher module for an oops (built out of
   * tree). Decided from the image's manifest before the guest boots.
   */
  static Applicability ofImage(CellSetup setup, ImageFacts image) {
    List<String> reasons = new ArrayList<>();
    String module =
        switch (setup.trigger()) {
          case WATCHDOG -> "i6300esb";
          case OOPS, OOPS_NO_PANIC -> "pvh_oops";
          default -> null;
        };
    if (module != null && !image.triggerModules().contains(module)) {
      reasons.add(
          "trigger "
              + setup.trigger().id()
              + " loads the module "
              + module
              + ", which the image does not bring (its manifest's triggerModules: "
              + (image.triggerModules().isEmpty()
                  ? "none"
                  : String.join(", ", new java.util.TreeSet<>(image.triggerModules())))
              + "); use a recipe whose image has it, or trigger sysrq-c, sysrq-break"
              + (setup.architecture() == Architecture.X86_64 ? ", nmi" : ""));
    }
    return reasons.isEmpty() ? new Applicable() : new NotApplicable(reasons);
  }

  /** The watchdog trigger arms {@code -device i6300esb}: the build must have it. */
  private static Optional<String> watchdogNeedsI6300esb(CellSetup setup, QemuCapabilities qemu) {
    return setup.trigger() == Trigger.WATCHDOG && !qemu.i6300esb()
        ? Optional.of(
            "trigger watchdog needs -device i6300esb, which QEMU "
                + qemu.version()
                + " does not have; use sysrq-c or sysrq-break")
        : Optional.empty();
  }

  /**
   * {@code -action watchdog=X}: set-action's {@code watchdog} member (qapi/run-state.json, 6.0)
   * must take X; the default (reset) needs no option.
   */
  private static Optional<String> watchdogActionNeedsTheBuild(
      CellSetup setup, QemuCapabilities qemu) {
    WatchdogAction action = setup.watchdogAction();
    if (setup.trigger() != Trigger.WATCHDOG
        || action == WatchdogAction.DEFAULT
        || qemu.watchdogActions().contains(action.qemuValue())) {
      return Optional.empty();
    }
    return Optional.of(
        qemu.watchdogActions().isEmpty()
            ? "-action watchdog="
                + action.qemuValue()
                + " needs QEMU >= 6.0 (this is "
                + qemu.version()
                + "); use watchdog: default (reset)"
            : "QEMU "
                + qemu.version()
                + " has no -action watchdog="
                + action.qemuValue()
                + "; valid: "
                + String.join(", ", new java.util.TreeSet<>(qemu.watchdogActions())));
  }

  /** inject-nmi does what QMP inject-nmi does: nothing on QEMU's arm virt machine. */
  private static Optional<String> watchdogNmiIsX86Only(CellSetup setup) {
    return setup.trigger() == Trigger.WATCHDOG
            && setup.watchdogAction() == WatchdogAction.INJECT_NMI
            && setup.architecture() != Architecture.X86_64
        ? Optional.of(
            "watchdog: inject-nmi: QEMU's "
                + arch(setup)
                + " virt machine has no NMI to inject; use reset, shutdown, poweroff, pause,"
                + " debug or none")
        : Optional.empty();
  }

  /**
   * QMP inject-nmi needs a machine with an NMI interface: the PC machines deliver one to every
   * CPU's local APIC; QEMU's arm and riscv virt machines implement none and reply "this feature or
   * command is not currently supported" (seen with QEMU 7.2 and 11.1 on arm, 7.2 on riscv).
   */
  private static Optional<String> nmiIsX86Only(CellSetup setup) {
    return setup.trigger() == Trigger.NMI && setup.architecture() != Architecture.X86_64
        ? Optional.of(
            "trigger nmi: QEMU's "
                + arch(setup)
                + " virt machine has no NMI to inject (inject-nmi is not supported there); use"
                + " sysrq-c or sysrq-break")
        : Optional.empty();
  }

  /** {@code acpi=off} is an x86 kernel parameter; arm64 guests here describe hardware by DT. */
  private static Optional<String> acpiOffIsX86Only(CellSetup setup) {
    return setup.acpiOff() && setup.architecture() != Architecture.X86_64
        ? Optional.of("acpi=off is an x86 kernel option; it has no meaning on " + arch(setup))
        : Optional.empty();
  }

  /** hw/misc/pvpanic-isa.c: an ISA device, only on the PC machines (pc, q35). */
  private static Optional<String> isaDeviceIsX86Only(CellSetup setup) {
    return setup.device() == PvpanicDevice.ISA && setup.architecture() != Architecture.X86_64
        ? Optional.of(
            "-device pvpanic is an ISA device, only on x86 PC machines; use pvpanic-pci on "
                + arch(setup))
        : Optional.empty();
  }

  private static Optional<String> machineTypeMatchesArchitecture(
      CellSetup setup, Optional<MachineType> machine) {
    return machine
        .filter(
            m -> !m.architectures().isEmpty() && !m.architectures().contains(setup.architecture()))
        .map(m -> "machine type " + m + " is not a " + arch(setup) + " machine");
  }

  /**
   * The build's own list of machine types ({@code query-machines}) decides; a build that was not
   * asked knows versioned machine types up to its own release.
   */
  private static Optional<String> machineTypeExistsInThisQemu(
      Optional<MachineType> machine, QemuCapabilities qemu) {
    if (machine.isEmpty()) {
      return Optional.empty();
    }
    MachineType m = machine.get();
    Optional<Boolean> listed = qemu.hasMachineType(m.name());
    if (listed.isPresent()) {
      return listed.get()
          ? Optional.empty()
          : Optional.of("QEMU " + qemu.version() + " has no machine type " + m);
    }
    return m.version()
        .filter(v -> v.compareTo(qemu.version().release()) > 0)
        .map(v -> "machine type " + m + " is newer than QEMU " + qemu.version());
  }

  /** hw/misc/pvpanic-pci.c first appears in QEMU 6.0. */
  private static Optional<String> pvpanicPciNeedsQemu60(CellSetup setup, QemuCapabilities qemu) {
    return setup.device() == PvpanicDevice.PCI && !qemu.pvpanicPci()
        ? Optional.of("-device pvpanic-pci needs QEMU >= 6.0 (this is " + qemu.version() + ")")
        : Optional.empty();
  }

  /** qapi/run-state.json: {@code -action} / set-action "Since: 6.0". */
  private static Optional<String> actionOptionNeedsQemu60(CellSetup setup, QemuCapabilities qemu) {
    boolean asksForAction =
        setup.panicAction() != PanicAction.DEFAULT
            || (setup.shutdownAction() != ShutdownAction.DEFAULT
                && setup.shutdownAction() != ShutdownAction.NO_SHUTDOWN);
    return asksForAction && !qemu.actionOption()
        ? Optional.of("-action needs QEMU >= 6.0 (this is " + qemu.version() + ")")
        : Optional.empty();
  }

  /** qapi/run-state.json: PanicAction 'exit-failure' "Since: 7.1". */
  private static Optional<String> exitFailureNeedsQemu71(CellSetup setup, QemuCapabilities qemu) {
    return setup.panicAction() == PanicAction.EXIT_FAILURE && !qemu.exitFailure()
        ? Optional.of(
            "-action panic=exit-failure needs QEMU >= 7.1 (this is " + qemu.version() + ")")
        : Optional.empty();
  }

  private static Optional<String> eventsPropertyNeedsADevice(CellSetup setup) {
    return setup.deviceEvents().isPresent() && setup.device() == PvpanicDevice.NONE
        ? Optional.of("events= is a property of a pvpanic device, but the cell has none")
        : Optional.empty();
  }

  /** The ISA device got its {@code events} property in QEMU 5.2 (hw/misc/pvpanic.c then). */
  private static Optional<String> isaEventsPropertyNeedsQemu52(
      CellSetup setup, QemuCapabilities qemu) {
    return setup.deviceEvents().isPresent()
            && setup.device() == PvpanicDevice.ISA
            && !qemu.isaEventsProperty()
        ? Optional.of("-device pvpanic,events= needs QEMU >= 5.2 (this is " + qemu.version() + ")")
        : Optional.empty();
  }

  /** qapi/run-state.json: RESET and SHUTDOWN {@code reason} "Since: 4.0". */
  private static Optional<String> eventReasonsNeedQemu40(QemuCapabilities qemu) {
    return qemu.eventReasons()
        ? Optional.empty()
        : Optional.of(
            "QEMU "
                + qemu.version()
                + " sends RESET and SHUTDOWN without a reason; the oracle starts at QEMU 4.0");
  }

  private static String arch(CellSetup setup) {
    return setup.architecture().name().toLowerCase(java.util.Locale.ROOT);
  }
}
