package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.MatrixPlan;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.scenario.CellOptions;
import dev.pvpanic.harness.scenario.CellResult;
import dev.pvpanic.harness.scenario.CellRunner;
import dev.pvpanic.harness.scenario.Verdict;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pvpanic matrix}: every cell of a guest config (or one shard of them), N guests at a time,
 * in this JVM; a progress line per cell, then a table of verdicts and times. The exit status is the
 * worst cell's; skipped cells (cannot run here, with the reason) do not fail the matrix.
 */
@Command(
    name = "matrix",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Runs every cell of a guest config, N at a time, and prints a table of verdicts and times.",
      "Exit: the worst cell's: 0 pass, 1 fail, 3 infrastructure; 2 usage."
    })
final class MatrixCommand implements Callable<Integer> {
  static final Path DEFAULT_CONFIG = Path.of("guest-configs/smoke.yaml");

  @ParentCommand Main main;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "a guest config (default guest-configs/smoke.yaml)")
  Path config;

  @Option(
      names = "--shard",
      paramLabel = "k/n",
      description = "run only shard k of n (the same split as -Dpvh.shard in the JUnit run)")
  String shard;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "2",
      description = "guests at a time (default ${DEFAULT-VALUE})")
  int parallel;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "artifacts root: one folder per cell id (default target/cells/<config name>)")
  Path outDir;

  @Option(names = "--cold", description = "boot every guest instead of restoring snapshots")
  boolean cold;

  @Override
  public Integer call() throws InterruptedException {
    PrintStream out = main.terminal().out();
    if (parallel < 1 || parallel > 64) {
      throw new UsageException("--parallel " + parallel + " out of range; valid: 1..64");
    }
    Shard part = shard == null ? Shard.ALL : Shard.parse(shard);
    ImageRecipes recipes = ImageRecipes.load(ImageRecipes.defaultFolder());
    Path file = config == null ? DEFAULT_CONFIG : config;
    GuestConfig gc = GuestConfig.load(file, recipes.names());
    List<Cell> all = gc.cells();
    List<Cell> cells = part.select(all);
    Path root = outDir != null ? outDir : Path.of("target", "cells", gc.name());
    out.printf(
        "== matrix %s (%s): %d cells%s, %d at a time; artifacts under %s%n",
        gc.name(),
        file,
        cells.size(),
        part.describe(cells.size(), all.size()).map(s -> " (" + s + ")").orElse(""),
        parallel,
        root.toAbsolutePath());
    List<PlannedCell> planned = cells.stream().map(c -> MatrixPlan.plan(gc, c, recipes)).toList();

    Instant start = Instant.now();
    MatrixProgress progress = new MatrixProgress(planned.size(), out);
    ImageBuilder images = main.images(progress::phase);
    CellOptions options = CellOptions.defaults().withProgress(progress::phase);
    CellRunner runner = new CellRunner(options.withCold(cold || options.cold()));
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<MatrixRow> rows = new ArrayList<>();
    try {
      List<Future<MatrixRow>> futures = new ArrayList<>();
      for (PlannedCell p : planned) {
        futures.add(pool.submit(() -> runOne(p, images, runner, root, progress)));
      }
      for (int i = 0; i < futures.size(); i++) {
        try {
          rows.add(futures.get(i).get());
        } catch (ExecutionException e) {
          Cell cell = planned.get(i).cell();
          rows.add(MatrixRow.broken(cell, "the harness failed: " + e.getCause(), Duration.ZERO));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    MatrixTable.print(rows, Duration.between(start, Instant.now()), root, out);
    return MatrixTable.status(rows).code();
  }

  private static MatrixRow runOne(
      PlannedCell p, ImageBuilder images, CellRunner runner, Path root, MatrixProgress progress) {
    if (p.skipReason().isPresent()) {
      progress.skipped(p.displayName(), p.skipReason().get());
      CellRunner.notRun(
          p.cell(), Verdict.NOT_APPLICABLE, p.skipReason().get(), root.resolve(p.cell().id()));
      return MatrixRow.skipped(p.cell(), p.skipReason().get());
    }
    Instant start = Instant.now();
    GuestImage image;
    try {
      image = images.image(p.recipe().name());
    } catch (RuntimeException e) {
      String why = "image " + p.recipe().name() + " could not be built: " + e.getMessage();
      progress.broken(p.displayName(), why);
      CellRunner.notRun(p.cell(), Verdict.INFRASTRUCTURE_ERROR, why, root.resolve(p.cell().id()));
      return MatrixRow.broken(p.cell(), why, Duration.between(start, Instant.now()));
    }
    CellResult r = runner.run(p.cell(), image, p.qemu(), root.resolve(p.cell().id()));
    progress.finished(r);
    return MatrixRow.of(r);
  }
}
