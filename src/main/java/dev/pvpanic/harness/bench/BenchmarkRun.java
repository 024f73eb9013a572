package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.run.MatrixRunner;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The timed part of a benchmark: the runnable cells with their images, run by one scheduler against
 * one snapshot store. It first makes or finds every snapshot, then runs every cell once per mode
 * and round, the modes alternating (cold first in odd rounds) so neither always runs on a warmer
 * machine. Each pass's cells keep their artifacts under {@code <cells>/<mode>-r<round>}.
 */
final class BenchmarkRun {
  private final List<PlannedCell> cells;
  private final Map<String, GuestImage> images;
  private final Path cellsDir;
  private final CellOptions options;
  private final SnapshotStore store;
  private final MatrixRunner scheduler;
  private final PrintStream say;

  /**
   * @param images by image name (ImageRecipe#imageName), one for each cell's recipe and userland
   * @param cellsDir where the cells' artifacts go, a folder per phase
   */
  BenchmarkRun(
      List<PlannedCell> cells,
      Map<String, GuestImage> images,
      Path cellsDir,
      CellOptions options,
      SnapshotStore store,
      MatrixRunner scheduler,
      PrintStream say) {
    this.cells = List.copyOf(cells);
    this.images = images;
    this.cellsDir = cellsDir;
    this.options = options;
    this.store = store;
    this.scheduler = scheduler;
    this.say = say;
  }

  /** Makes or finds the snapshot of every key, and says how that went. */
  SnapshotPreparation prepareSnapshots() {
    say.println("making or finding snapshots ...");
    Instant prepStart = Instant.now();
    List<MatrixRunner.Prepared> prepared =
        scheduler.prepareSnapshots(
            jobs(cellsDir.resolve("prepare")), new CellRunner(options.withCold(false), store));
    SnapshotPreparation prep =
        new SnapshotPreparation(prepared, Duration.between(prepStart, Instant.now()));
    long made = prep.made();
    say.printf(
        Locale.ROOT,
        "snapshots: %d keys for %d cells, %d made, %d found in the cache, in %.1f s%n",
        prepared.size(),
        cells.size(),
        made,
        prepared.size() - made,
        BenchmarkSummary.seconds(prep.wall()));
    prep.unusable().forEach(line -> say.println("  " + line));
    return prep;
  }

  /** Every cell once per mode in each of {@code rounds} rounds. */
  List<Pass> passes(int rounds) {
    List<Pass> passes = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      List<String> order =
          round % 2 == 1 ? List.of("cold", "snapshot") : List.of("snapshot", "cold");
      for (String mode : order) {
        say.printf(Locale.ROOT, "round %d: %s ...%n", round, mode);
        List<MatrixRunner.Job> jobs = jobs(cellsDir.resolve(mode + "-r" + round));
        Instant start = Instant.now();
        List<CellResult> results =
            scheduler.runAll(jobs, new CellRunner(options.withCold(mode.equals("cold")), store));
        Pass pass = new Pass(mode, round, Duration.between(start, Instant.now()), results);
        passes.add(pass);
        say.printf(
            Locale.ROOT,
            "round %d: %s took %.1f s (%s)%n",
            round,
            mode,
            BenchmarkSummary.seconds(pass.wall()),
            verdictCounts(results));
      }
    }
    return passes;
  }

  private List<MatrixRunner.Job> jobs(Path root) {
    return cells.stream()
        .map(
            p ->
                new MatrixRunner.Job(
                    p, images.get(p.recipe().imageName()), root.resolve(p.cell().id())))
        .toList();
  }

  private static String verdictCounts(List<CellResult> results) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    results.forEach(r -> counts.merge(r.verdict().name(), 1, Integer::sum));
    return counts.toString();
  }
}
