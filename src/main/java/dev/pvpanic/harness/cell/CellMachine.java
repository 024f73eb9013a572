package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.machine.AcceleratorSelector;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuFingerprint;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.KernelCommandLine;
import dev.pvpanic.harness.oracle.KexecLoad;
import dev.pvpanic.harness.snapshot.SnapshotKey;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a cell runs on: its QEMU machine, its kernel command lines, the kexec command that loads its
 * capture kernel, and the key of the snapshot it can restore.
 */
public final class CellMachine {
  private CellMachine() {}

  /**
   * The machine a cell runs on (a snapshot restore adds only {@code incoming}); {@code undeclared}
   * is the accelerator when the cell names none.
   */
  public static MachineSpec machineSpec(
      Cell cell,
      GuestImage image,
      QemuBuild qemu,
      Accelerator undeclared,
      String cmdline,
      Path artifacts) {
    MachineSpec.Builder b = MachineSpec.builder(image.arch());
    image.system().ifPresent(s -> b.disk(s.disk()));
    if (cell.kdump() && image.system().isPresent()) {
      // as much as the system's own crashkernel= range needs to reserve anything (bookworm's
      // kdump-tools: 384M-:128M on amd64, 2G-4G:320M,... on arm64); a cell's -m still wins, and a
      // smaller one is refused (systemProblem)
      int needs = image.system().get().facts().minimumMemoryMb();
      b.memoryMb(Math.max(MachineSpec.defaultMemoryMb(image.arch()), needs));
    }
    return b.name(shortName(cell))
        .qemu(qemu)
        .accelerator(cell.accelerator(undeclared))
        .kernel(image.kernel())
        .initrd(image.initrd())
        .append(cmdline)
        .pvpanic(cell.device())
        .actions(cell.actions())
        .machineType(cell.machineType().orElse(null))
        .extraArgs(extraArgs(cell))
        .artifactsDir(artifacts)
        .build();
  }

  /**
   * The QEMU arguments a cell adds: the trigger's own ({@code -device i6300esb} for the watchdog;
   * (part of the snapshot's machine, so every watchdog action shares one snapshot: the action is an
   * {@code -action} option of the restoring QEMU), then the cell's own.
   */
  static java.util.List<String> extraArgs(Cell cell) {
    java.util.List<String> args = new java.util.ArrayList<>();
    args.addAll(cell.trigger().qemuArgs());
    args.addAll(cell.qemuArgs());
    return args;
  }

  /**
   * The key of the snapshot a cell restores: cells with equal keys share one.
   *
   * @throws MachineException when the QEMU build cannot be identified
   */
  public static SnapshotKey snapshotKey(
      Cell cell, GuestImage image, QemuBuild qemu, Accelerator undeclared) {
    return snapshotKey(cell, snapshotSpec(cell, image, qemu, undeclared), image);
  }

  /** The machine a cell's snapshot is made of: its own, with no artifacts folder. */
  public static MachineSpec snapshotSpec(
      Cell cell, GuestImage image, QemuBuild qemu, Accelerator undeclared) {
    return machineSpec(cell, image, qemu, undeclared, kernelCmdline(cell, image), null);
  }

  /** The key of the snapshot of {@code spec}, the machine of {@code cell}. */
  public static SnapshotKey snapshotKey(Cell cell, MachineSpec spec, GuestImage image) {
    return SnapshotKey.of(
        spec,
        AcceleratorSelector.decide(spec).used(),
        image.id(),
        QemuFingerprint.of(spec.qemu()),
        snapshotArming(cell, image, spec.append().orElse("")));
  }

  /**
   * What the guest of a cell's snapshot runs before it is saved: the {@code kexec -p} of a kdump
   * cell on the minimal guest ({@link #kexecCommand}), so that each of its cells restores a guest
   * with the capture kernel loaded instead of loading it again (0.4-0.6 s on x86_64, 1.8 s on
   * arm64, 2.5 s on riscv64 under TCG, where kexec-tools unpacks the kernel itself). Every cell
   * still reads back {@code kexec_crash_loaded}. A Debian system's kdump-tools loads it at boot.
   *
   * @param cmdline the main kernel's command line
   */
  public static Optional<String> snapshotArming(Cell cell, GuestImage image, String cmdline) {
    if (!cell.kdump() || image.system().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(kexecCommand(image.arch(), image.facts().config(), captureCmdline(cmdline)));
  }

  /** The main kernel's command line for a cell. */
  public static String kernelCmdline(Cell cell, GuestImage image) {
    return KernelCommandLine.main(cell, image.recipe().cmdline());
  }

  /** The capture kernel's command line ({@link KernelCommandLine#capture}). */
  public static String captureCmdline(String main) {
    return KernelCommandLine.capture(main);
  }

  /** The kexec command that loads the capture kernel ({@link KexecLoad} says with which call). */
  public static String kexecCommand(
      Architecture arch,
      dev.pvpanic.harness.oracle.Derived<dev.pvpanic.harness.oracle.KernelConfig> config,
      String captureCmdline) {
    String mode = KexecLoad.of(arch, config).flag();
    return "kexec -p "
        + mode
        + " /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append=\""
        + captureCmdline
        + "\"";
  }

  static String shortName(Cell cell) {
    String n = cell.name().orElse(cell.recipe());
    n = n.replaceAll("[^A-Za-z0-9._-]", "-");
    return n.length() > 64 ? n.substring(0, 64) : n;
  }

  /**
   * Why a kdump cell on the debian userland cannot run, if so, from the system's manifest: its
   * makedumpfile cannot read this kernel's memory ({@code dumpUnreadable}), or the machine's memory
   * is below the low end of kdump-tools' {@code crashkernel=} range, where the kernel reserves
   * nothing and the service loads no capture kernel. The memory is the machine's, or the last
   * {@code -m} of the cell's {@code qemu_args} (QEMU takes the last).
   */
  static Optional<String> systemProblem(
      Cell cell, Optional<dev.pvpanic.harness.image.SystemFacts> system, int machineMb) {
    if (!cell.kdump() || system.isEmpty()) {
      return Optional.empty();
    }
    if (system.get().dumpUnreadable().isPresent()) {
      return Optional.of("userland debian with kdump: " + system.get().dumpUnreadable().get());
    }
    int needs = system.get().minimumMemoryMb();
    int has = machineMb;
    java.util.List<String> args = cell.qemuArgs();
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("-m") && args.get(i + 1).matches("\\d+[Mm]?")) {
        has = Integer.parseInt(args.get(i + 1).replaceAll("[Mm]", ""));
      }
    }
    return has >= needs
        ? Optional.empty()
        : Optional.of(
            "userland debian with kdump: the machine has "
                + has
                + " MiB, and kdump-tools' crashkernel="
                + system.get().crashkernel()
                + " reserves nothing below "
                + needs
                + " MiB, so no capture kernel would load; give it at least "
                + needs
                + " MiB (qemu_args: -m "
                + needs
                + ")");
  }
}
