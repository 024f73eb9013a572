package dev.pvpanic.harness.matrix;

import static dev.pvpanic.harness.matrix.PlannedCells.onDebian;
import static dev.pvpanic.harness.matrix.PlannedCells.planned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How many guests at once, and in which order. */
class SchedulingTest {

  @Test
  void guestsAreLimitedByCoresAndByMemory() {
    assertEquals(2, GuestParallelism.fromResources(2, 20_000, 1024));
    assertEquals(3, GuestParallelism.fromResources(16, 4_000, 1024)); // 4000 / 1324
    assertEquals(1, GuestParallelism.fromResources(8, 500, 1024), "always at least one");
  }

  @Test
  void theParallelPropertyIsANumberOrAuto() {
    assertEquals(5, GuestParallelism.resolve("5", 2, 20_000, 1024));
    assertEquals(2, GuestParallelism.resolve("auto", 2, 20_000, 1024));
    assertEquals(2, GuestParallelism.resolve(null, 2, 20_000, 1024));
    assertEquals(2, GuestParallelism.resolve(" ", 2, 20_000, 1024));
    for (String bad : List.of("0", "two", "100000")) {
      String m =
          assertThrows(
                  dev.pvpanic.harness.SettingException.class,
                  () -> GuestParallelism.resolve(bad, 2, 20_000, 1024))
              .getMessage();
      assertTrue(
          m.contains("pvh.parallel (PVH_PARALLEL) '" + bad + "'") && m.contains("1..64 or auto"),
          m);
    }
  }

  @Test
  void availableMemoryComesFromMeminfo() {
    assertEquals(
        19_999L,
        GuestParallelism.parseMemAvailableMb(
                "MemTotal:       24683520 kB\nMemFree:  1 kB\nMemAvailable:   20479876 kB\n")
            .getAsLong());
    assertTrue(GuestParallelism.parseMemAvailableMb("MemTotal: 1 kB\n").isEmpty());
  }

  @Test
  void kdumpAndAarch64CellsGoFirstAndEqualOnesKeepTheirOrder() {
    ImageRecipes r = ImageRecipes.load(TestSettings.checkout().recipes());
    PlannedCell x86 = planned("x86", "x86_64-6.12", "no", r);
    PlannedCell x86b = planned("x86b", "x86_64-6.1", "no", r);
    PlannedCell arm = planned("arm", "aarch64-6.12-bpo", "no", r);
    PlannedCell armKdump = planned("arm-kdump", "aarch64-6.12-bpo", "yes", r);
    PlannedCell x86Kdump = planned("x86-kdump", "x86_64-6.12", "yes", r);
    PlannedCell skipped =
        new PlannedCell(
            x86Kdump.cell(), x86Kdump.recipe(), x86Kdump.qemu(), Optional.of("no QEMU"));
    List<PlannedCell> order =
        CellCost.longestFirst(List.of(skipped, x86, x86b, arm, armKdump, x86Kdump));
    assertEquals(List.of(x86Kdump, armKdump, arm, x86, x86b, skipped), order);
  }

  @Test
  void aRiscvKdumpCellGoesFirstItsPanicCellLast() {
    ImageRecipes r = ImageRecipes.load(TestSettings.checkout().recipes());
    PlannedCell x86 = planned("x86", "x86_64-6.12", "no", r);
    PlannedCell x86Kdump = planned("x86-kdump", "x86_64-6.12", "yes", r);
    PlannedCell riscv = planned("riscv", "riscv64-6.12", "no", r);
    PlannedCell riscvKdump = planned("riscv-kdump", "riscv64-6.12", "yes", r);
    assertEquals(
        List.of(riscvKdump, x86Kdump, x86, riscv),
        CellCost.longestFirst(List.of(riscv, x86, x86Kdump, riscvKdump)));
  }

  @Test
  void aDebianSystemCellGoesBeforeEveryMinimalOneItsKdumpCellFirst() {
    ImageRecipes r = ImageRecipes.load(TestSettings.checkout().recipes());
    PlannedCell riscvKdump = planned("riscv-kdump", "riscv64-6.12", "yes", r);
    PlannedCell system = onDebian(planned("system", "aarch64-6.12-bpo", "no", r));
    PlannedCell systemKdump = onDebian(planned("system-kdump", "x86_64-6.12", "yes", r));
    assertEquals(
        List.of(systemKdump, system, riscvKdump),
        CellCost.longestFirst(List.of(riscvKdump, system, systemKdump)));
  }
}
