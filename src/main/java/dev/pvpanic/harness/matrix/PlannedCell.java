package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.machine.QemuBuild;
import java.util.Optional;

/**
 * A cell ready to run: its recipe and QEMU build resolved, and, when it cannot run here, why not
 * (the cell is then reported skipped with that reason, never silently dropped).
 *
 * @param lacks when the cell cannot run because this machine lacks something a test run may be told
 *     it has ({@code qemu-x86_64}, {@code container}, {@code kvm}, {@code debian-archive}: the
 *     names {@code pvh.require} takes), that thing; empty for a cell that cannot exist with its
 *     QEMU build, wherever it runs
 */
public record PlannedCell(
    Cell cell,
    ImageRecipe recipe,
    QemuBuild qemu,
    Optional<String> skipReason,
    Optional<String> lacks) {

  /** A cell that runs, or cannot exist with its build ({@code skipReason}). */
  public PlannedCell(Cell cell, ImageRecipe recipe, QemuBuild qemu, Optional<String> skipReason) {
    this(cell, recipe, qemu, skipReason, Optional.empty());
  }

  /** A cell that cannot run because this machine lacks {@code lacks}. */
  static PlannedCell lacking(
      Cell cell, ImageRecipe recipe, QemuBuild qemu, String lacks, String reason) {
    return new PlannedCell(cell, recipe, qemu, Optional.of(reason), Optional.of(lacks));
  }

  public String displayName() {
    return cell.displayName();
  }

  @Override
  public String toString() {
    return displayName();
  }
}
