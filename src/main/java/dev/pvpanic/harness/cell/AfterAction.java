package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import java.time.Instant;

/**
 * What the harness does once a cell passed, one type per value of the {@code after} axis ({@code
 * none} has none): {@link PanicDump} ({@code dump}) and {@link GuestRecovery} ({@code recover});
 * and {@link SavedDumpCheck}, which a kdump cell on the debian userland runs first. Adding one: a
 * new class here and its entry in {@link AfterActions}.
 */
interface AfterAction {
  /** The axis value. */
  String id();

  /** What the progress line says while it runs. */
  String doing();

  /** Runs it on the passed cell's machine; its result replaces {@code after.passed()}. */
  CellResult run(After after);

  /** The passed cell's machine and records, handed to the after-action. */
  record After(
      CellRun run,
      QemuMachine machine,
      ExpectedOutcome expected,
      CellResult passed,
      CellOptions options,
      Phases phases,
      Instant start) {}
}
