package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.Userland;
import dev.pvpanic.harness.machine.QemuBuild;
import java.util.Map;
import java.util.Optional;

/** Planned cells for tests that order or rank them: a recipe, kdump or not, on the host's QEMU. */
public final class PlannedCells {
  private PlannedCells() {}

  public static PlannedCell planned(String name, String recipe, String kdump, ImageRecipes r) {
    Cell c = new Cell(Optional.of(name), Map.of(Axis.RECIPE, recipe, Axis.KDUMP, kdump));
    return new PlannedCell(
        c, r.get(recipe), QemuBuild.host(r.get(recipe).arch()), Optional.empty());
  }

  /** {@code p} on the debian userland: its cell's axis and its recipe's userland. */
  public static PlannedCell onDebian(PlannedCell p) {
    Cell c =
        new Cell(
            p.cell().name(),
            Map.of(
                Axis.RECIPE,
                p.cell().get(Axis.RECIPE),
                Axis.KDUMP,
                p.cell().get(Axis.KDUMP),
                Axis.USERLAND,
                "debian"));
    return new PlannedCell(c, p.recipe().withUserland(Userland.DEBIAN), p.qemu(), Optional.empty());
  }
}
