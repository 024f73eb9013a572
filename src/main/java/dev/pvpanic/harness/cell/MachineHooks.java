package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.machine.QemuMachine;
import java.util.List;

/**
 * What a caller may do with the machine of a cell: the command line streams the console while the
 * cell runs and, asked to keep the VM, gives a person its sockets before it is closed.
 */
public interface MachineHooks {
  /** Hooks that do nothing. */
  MachineHooks NONE = new MachineHooks() {};

  /** Extra QEMU arguments (e.g. a second QMP monitor a person can connect to). */
  default List<String> extraQemuArgs() {
    return List.of();
  }

  /** Called once QEMU runs and its console and QMP are connected, before the guest boots. */
  default void launched(QemuMachine machine) {}

  /**
   * Called once QEMU has been started to restore a snapshot, before the restore is awaited (tests:
   * a QEMU killed from outside while it loads must not cost the snapshot).
   */
  default void restoring(QemuMachine machine) {}

  /**
   * Called with the verdict while the machine still runs (or has just exited by itself), before it
   * is closed. May block: the cell's machine lives until this returns.
   */
  default void beforeClose(CellResult result, QemuMachine machine) {}

  /**
   * {@code after: dump}: called with the ELF memory dump QEMU has just written, before it is
   * checked (tests doctor it: a truncated dump, or another kernel's, must fail the cell).
   */
  default void dumped(java.nio.file.Path elf) {}
}
