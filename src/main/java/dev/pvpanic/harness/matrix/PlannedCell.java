package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.machine.QemuBuild;
import java.util.Optional;

/**
 * A cell ready to run: its recipe and QEMU build resolved, and, when it cannot run here, why not
 * (the cell is then reported skipped with that reason, never silently dropped).
 */
public record PlannedCell(
    Cell cell, ImageRecipe recipe, QemuBuild qemu, Optional<String> skipReason) {

  public String displayName() {
    return cell.displayName();
  }

  @Override
  public String toString() {
    return displayName();
  }
}
