package dev.pvpanic.harness.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.GuestParallelism;
import dev.pvpanic.harness.matrix.InjectedRegression;
import dev.pvpanic.harness.matrix.MatrixPlan;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.scenario.CellOptions;
import dev.pvpanic.harness.scenario.CellResult;
import dev.pvpanic.harness.scenario.CellRunner;
import dev.pvpanic.harness.scenario.CellScheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The harness must catch the regressions it exists to catch: every cell of
 * guest-configs/regressions.yaml injects one realistic kernel or QEMU regression (a blacklisted
 * driver, a QEMU whose pvpanic default regressed, a stray -no-shutdown, ...) through inputs the
 * oracle never reads, and must get exactly the verdict it states. A PASS is a regression the
 * harness let through.
 */
class RegressionSuiteIT {
  private static final Path SUITE = Path.of("guest-configs/regressions.yaml");

  @Test
  void everyInjectedRegressionGetsTheVerdictThatCatchesIt() {
    ImageRecipes recipes = ImageRecipes.load(ImageRecipes.defaultFolder());
    GuestConfig config = GuestConfig.load(SUITE, recipes.names());
    List<PlannedCell> planned = MatrixPlan.plan(config, recipes);
    List<String> problems = new ArrayList<>();
    ImageBuilder images = ImageEnvironment.builder(Optional.empty(), s -> {});
    Path root = Path.of(System.getProperty("pvh.build.dir", "target"), "cells", config.name());
    List<CellScheduler.Job> jobs = new ArrayList<>();
    for (PlannedCell p : planned) {
      assertTrue(p.cell().regression().isPresent(), p.displayName() + " states no regression");
      if (p.skipReason().isPresent()) {
        // A regression the suite cannot run is not caught: say which and why.
        problems.add(p.displayName() + ": not run: " + p.skipReason().get());
        continue;
      }
      jobs.add(
          new CellScheduler.Job(p, images.image(p.recipe().name()), root.resolve(p.cell().id())));
    }
    CellOptions options = CellOptions.defaults().withProgress(s -> System.out.println("  .. " + s));
    List<CellResult> results =
        new CellScheduler(GuestParallelism.configured()).runAll(jobs, new CellRunner(options));
    int caught = 0;
    for (CellResult r : results) {
      InjectedRegression injected = r.cell().regression().orElseThrow();
      boolean ok = injected.caughtBy(r.verdict().name());
      System.out.printf(
          "%-7s %-18s %5.1fs  %s%n",
          ok ? "caught" : "MISSED", r.verdict(), r.total().toMillis() / 1000.0, injected.what());
      if (ok) {
        caught++;
      } else {
        problems.add(
            r.cell().displayName()
                + ": expected "
                + injected.verdictName()
                + ", got "
                + r.verdict()
                + "\n"
                + r.message());
      }
    }
    System.out.printf("%d/%d injected regressions caught%n", caught, planned.size());
    assertEquals(List.of(), problems, "injected regressions not caught");
    assertTrue(planned.size() >= 13, "the suite shrank: " + planned.size() + " cells");
  }
}
