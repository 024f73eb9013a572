package dev.pvpanic.harness.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.machine.LocalProcessBackend;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.GuestParallelism;
import dev.pvpanic.harness.matrix.MatrixPlan;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Restoring a snapshot must not change what a cell finds: the guest config (-Dpvh.config, default
 * smoke.yaml) runs once booting every guest and once from snapshots, and every cell must get the
 * same verdict and the same expectation (the oracle's input, read from the READY line: cold from
 * the console, restored from the snapshot).
 */
class SnapshotIT {
  private static final Set<Verdict> REAL_OUTCOMES =
      Set.of(Verdict.PASS, Verdict.WRONG_EVENTS, Verdict.UNEXPECTED_PANIC, Verdict.NOT_APPLICABLE);

  @Test
  void everyCellGetsTheSameVerdictColdAndFromASnapshot() {
    ImageRecipes recipes = ImageRecipes.load(ImageRecipes.defaultFolder());
    GuestConfig config = GuestConfig.load(MatrixPlan.configFile(), recipes.names());
    List<PlannedCell> runnable =
        MatrixPlan.plan(config, recipes).stream().filter(p -> p.skipReason().isEmpty()).toList();
    assumeTrue(!runnable.isEmpty(), "no cell of " + config.name() + " can run here");
    ImageBuilder images = ImageEnvironment.builder(Optional.empty(), s -> {});
    Path root =
        Path.of(System.getProperty("pvh.build.dir", "target"), "snapshot-it", config.name());
    List<CellScheduler.Job> cold = new ArrayList<>();
    List<CellScheduler.Job> restored = new ArrayList<>();
    for (PlannedCell p : runnable) {
      var image = images.image(p.recipe().name());
      cold.add(new CellScheduler.Job(p, image, root.resolve("cold").resolve(p.cell().id())));
      restored.add(
          new CellScheduler.Job(p, image, root.resolve("snapshot").resolve(p.cell().id())));
    }
    CellScheduler scheduler = new CellScheduler(GuestParallelism.configured());
    CellOptions options = CellOptions.defaults().withProgress(s -> System.out.println("  .. " + s));
    List<CellResult> coldResults = scheduler.runAll(cold, new CellRunner(options.withCold(true)));
    List<CellResult> snapResults =
        scheduler.runAll(restored, new CellRunner(options.withCold(false)));

    List<String> differences = new ArrayList<>();
    for (int i = 0; i < runnable.size(); i++) {
      CellResult c = coldResults.get(i);
      CellResult s = snapResults.get(i);
      System.out.printf(
          "%-16s %-16s %-9s %5.1fs / %5.1fs  %s%n",
          c.verdict(),
          s.verdict(),
          s.start().mode().id(),
          c.total().toMillis() / 1000.0,
          s.total().toMillis() / 1000.0,
          runnable.get(i).displayName());
      assertFalse(c.start().restored(), "cold means booted: " + c.start());
      if (runnable.get(i).qemu().backend() instanceof LocalProcessBackend) {
        assertTrue(
            s.start().restored(),
            runnable.get(i).displayName() + " was not restored: " + s.start().reason());
      } else {
        // QEMU in a container cannot read the host's state file: it boots, saying why.
        assertTrue(
            s.start().reason().orElse("").contains("cannot read a state file"),
            runnable.get(i).displayName() + ": " + s.start());
      }
      assertTrue(REAL_OUTCOMES.contains(c.verdict()), c.message());
      assertTrue(REAL_OUTCOMES.contains(s.verdict()), s.message());
      if (c.verdict() != s.verdict()
          || !c.expected()
              .map(ExpectedOutcome::describe)
              .equals(s.expected().map(ExpectedOutcome::describe))) {
        differences.add(
            runnable.get(i).displayName()
                + ": cold "
                + c.verdict()
                + ", snapshot "
                + s.verdict()
                + "\n  cold: "
                + c.message()
                + "\n  snapshot: "
                + s.message());
      }
    }
    assertEquals(List.of(), differences, String.join("\n", differences));
  }
}
