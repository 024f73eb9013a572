package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
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
    reasons.addAll(setup.trigger().cannotRun(setup, qemu));
    return reasons.isEmpty() ? new Applicable() : new NotApplicable(reasons);
  }

  /**
   * Whether the image brings what the cell's trigger loads: the i6300esb driver for the watchdog
   * (from the kernel package; ImageBuilder), the harness's crasher module for an oops (built out of
   * tree). Decided from the image's manifest before the guest boots.
   */
  static Applicability ofImage(CellSetup setup, ImageFacts image) {
    List<String> reasons = new ArrayList<>();
    for (String module : setup.trigger().modules()) {
      if (!image.triggerModules().contains(module)) {
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
    }
    if (image.config() instanceof Derived.Known<KernelConfig> known) {
      reasons.addAll(ofKernelConfig(setup, known.value(), image));
    }
    return reasons.isEmpty() ? new Applicable() : new NotApplicable(reasons);
  }

  /**
   * What the kernel's own config says it cannot do in this cell, one reason per missing option:
   * what every cell needs (an initramfs, a serial console), what kdump needs, what the trigger
   * needs, and, for a kernel whose own pvpanic driver is under test, the driver of the cell's
   * device.
   */
  static List<String> ofKernelConfig(CellSetup setup, KernelConfig config, ImageFacts image) {
    List<String> reasons = new ArrayList<>();
    // the guest boots the harness's gzip initramfs (ImageBuilder): init/initramfs.c
    config
        .lacks("CONFIG_BLK_DEV_INITRD", "the harness boots its guest from an initramfs")
        .ifPresent(reasons::add);
    config
        .lacks("CONFIG_RD_GZIP", "the harness's initramfs is gzip-compressed")
        .ifPresent(reasons::add);
    String console =
        setup.architecture() == Architecture.AARCH64
            ? "CONFIG_SERIAL_AMBA_PL011_CONSOLE"
            : "CONFIG_SERIAL_8250_CONSOLE";
    config
        .lacks(
            console,
            "the harness talks to the guest on its serial console ("
                + (setup.architecture() == Architecture.AARCH64
                    ? "QEMU virt's PL011, ttyAMA0"
                    : "a 16550 UART, ttyS0")
                + ")")
        .ifPresent(reasons::add);
    if (setup.kdumpLoaded()) {
      String kexec = KexecLoad.of(setup.architecture(), config).symbol();
      config
          .lacks(
              kexec,
              "kdump loads its capture kernel with kexec"
                  + (kexec.equals("CONFIG_KEXEC_FILE") ? " (CONFIG_KEXEC is off too)" : ""))
          .ifPresent(reasons::add);
      config
          .lacks("CONFIG_CRASH_DUMP", "kdump needs the kernel's crash-dump support")
          .ifPresent(reasons::add);
      config
          .lacks("CONFIG_PROC_VMCORE", "the capture kernel reads the dump from /proc/vmcore")
          .ifPresent(reasons::add);
    }
    reasons.addAll(setup.trigger().cannotRun(setup, config));
    if (image.driverExpected() && setup.device() != PvpanicDevice.Kind.NONE) {
      reasons.addAll(driverOptions(setup, config, image.kernel()));
    }
    return reasons;
  }

  /**
   * The options of the pvpanic driver for the cell's device: CONFIG_PVPANIC at all, and from 5.13
   * (commit db3a4f0abefd) CONFIG_PVPANIC_PCI for pvpanic-pci and CONFIG_PVPANIC_MMIO for the ISA
   * device (found through ACPI). Before 5.13 there is no PCI driver.
   */
  private static List<String> driverOptions(
      CellSetup setup, KernelConfig config, Derived<KernelVersion> kernel) {
    String what =
        "the cell's -device " + setup.device().qemuName() + " expects the kernel's driver";
    String instead = "; use a kernel built with it, or device: none";
    if (!config.tristate("CONFIG_PVPANIC").enabled()) {
      return List.of(
          "the kernel's config lacks CONFIG_PVPANIC (y or m): "
              + what
              + " and the kernel has no pvpanic driver at all"
              + instead);
    }
    boolean split = kernel instanceof Derived.Known<KernelVersion> k && k.value().atLeast(5, 13);
    boolean before = kernel instanceof Derived.Known<KernelVersion> k && !k.value().atLeast(5, 13);
    String symbol =
        setup.device() == PvpanicDevice.Kind.PCI ? "CONFIG_PVPANIC_PCI" : "CONFIG_PVPANIC_MMIO";
    if (setup.device() == PvpanicDevice.Kind.PCI && before) {
      return List.of(
          what
              + ", and Linux before 5.13 has no pvpanic-pci driver (commit db3a4f0abefd); use"
              + " device: isa, or a kernel >= 5.13 with CONFIG_PVPANIC_PCI");
    }
    if ((split || setup.device() == PvpanicDevice.Kind.PCI) && !config.tristate(symbol).enabled()) {
      return List.of("the kernel's config lacks " + symbol + " (y or m): " + what + instead);
    }
    return List.of();
  }

  /** {@code acpi=off} is an x86 kernel parameter; arm64 guests here describe hardware by DT. */
  private static Optional<String> acpiOffIsX86Only(CellSetup setup) {
    return setup.acpiOff() && setup.architecture() != Architecture.X86_64
        ? Optional.of("acpi=off is an x86 kernel option; it has no meaning on " + arch(setup))
        : Optional.empty();
  }

  /** hw/misc/pvpanic-isa.c: an ISA device, only on the PC machines (pc, q35). */
  private static Optional<String> isaDeviceIsX86Only(CellSetup setup) {
    return setup.device() == PvpanicDevice.Kind.ISA && setup.architecture() != Architecture.X86_64
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
    return setup.device() == PvpanicDevice.Kind.PCI && !qemu.pvpanicPci()
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
    return setup.deviceEvents().isPresent() && setup.device() == PvpanicDevice.Kind.NONE
        ? Optional.of("events= is a property of a pvpanic device, but the cell has none")
        : Optional.empty();
  }

  /** The ISA device got its {@code events} property in QEMU 5.2 (hw/misc/pvpanic.c then). */
  private static Optional<String> isaEventsPropertyNeedsQemu52(
      CellSetup setup, QemuCapabilities qemu) {
    return setup.deviceEvents().isPresent()
            && setup.device() == PvpanicDevice.Kind.ISA
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
    return setup.architecture().id();
  }
}
