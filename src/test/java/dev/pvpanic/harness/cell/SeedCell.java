package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.util.Map;
import java.util.Optional;

/**
 * The seed article's no-kdump cell (x86_64-6.12, pvpanic-pci, panic=none) planned with its image
 * built: what the scenario tests that exercise the harness itself run on. Skipped (with the reason)
 * when QEMU is not installed.
 */
public record SeedCell(PlannedCell planned, GuestImage image) {
  public static final String RECIPE = "x86_64-6.12";

  public static SeedCell named(String name) {
    ImageRecipes recipes = ImageRecipes.load(TestSettings.jvm().recipes());
    Cell cell =
        new Cell(
            Optional.of(name), Map.of(Axis.RECIPE, RECIPE, Axis.DEVICE, "pci", Axis.PANIC, "none"));
    PlannedCell planned = TestSettings.session().plan().plan(cell, recipes.get(RECIPE));
    Prerequisite.qemu(planned.recipe().arch())
        .require(QemuVersionProbe.version(planned.qemu()).isPresent(), planned.qemu().binary());
    return new SeedCell(
        planned,
        ImageEnvironment.builder(TestSettings.jvm(), Optional.empty(), s -> {}).image(RECIPE));
  }
}
