package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.cli.MatrixProgress;
import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.matrix.CellCost;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.MatrixPlan;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.Shard;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the matrix tests share in one JVM: the recipes, the planned cells of the chosen guest config
 * (only this run's shard of them: {@code -Dpvh.shard=k/n} or {@code PVH_SHARD}), the image builder,
 * and where each cell writes its artifacts.
 */
public final class HarnessContext {
  private static volatile HarnessContext instance;

  private final GuestConfig config;
  private final List<PlannedCell> cells;
  private final ImageBuilder images;
  private final MatrixProgress progress;
  private final Path artifactsRoot;

  private HarnessContext() {
    ImageRecipes recipes = ImageRecipes.load(ImageRecipes.defaultFolder());
    config = GuestConfig.load(MatrixPlan.configFile(), recipes.names());
    Shard shard = Shard.configured();
    cells =
        CellCost.longestFirst(
            shard.select(config.cells()).stream()
                .map(c -> MatrixPlan.plan(config, c, recipes))
                .toList());
    shard
        .describe(cells.size(), config.cells().size())
        .ifPresent(s -> System.out.println(config.name() + ": " + s));
    progress = new MatrixProgress(cells.size(), System.out);
    images = ImageEnvironment.builder(Optional.empty(), progress::phase);
    artifactsRoot = Path.of(System.getProperty("pvh.build.dir", "target"), "cells", config.name());
  }

  public static HarnessContext get() {
    HarnessContext c = instance;
    if (c == null) {
      synchronized (HarnessContext.class) {
        if (instance == null) {
          instance = new HarnessContext();
        }
        c = instance;
      }
    }
    return c;
  }

  public GuestConfig config() {
    return config;
  }

  public List<PlannedCell> cells() {
    return cells;
  }

  public ImageBuilder images() {
    return images;
  }

  public MatrixProgress progress() {
    return progress;
  }

  public Path artifacts(PlannedCell cell) {
    return artifactsRoot.resolve(cell.cell().id());
  }
}
