package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs a guest config booting every guest and from snapshots, in one process on one machine state,
 * and reports per-phase times, per-cell medians, wall times, harness overhead and peak memory
 * ({@code ci/benchmark.sh [config]}). Writes {@code benchmark-<config>.json} and {@code .svg} under
 * {@code <build dir>/bench}. Targets are reported, never asserted: the numbers depend on what else
 * the machine runs.
 */
@Command(
    name = "benchmark",
    mixinStandardHelpOptions = true,
    description = "Cold boots against snapshot restores, side by side in one run.")
public final class Benchmark implements Callable<Integer> {
  @Parameters(
      index = "0",
      defaultValue = "guest-configs/smoke.yaml",
      description = "guest config (default ${DEFAULT-VALUE})")
  Path config;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description = "passes per mode; modes alternate (cold first in odd rounds)")
  int rounds;

  @Option(
      names = "--parallel",
      description = "guests at once (default: pvh.parallel, else from cores and memory)")
  Integer parallel;

  @Option(names = "--out", description = "output folder (default <pvh.build.dir>/bench)")
  Path out;

  @Option(
      names = "--fresh-snapshots",
      description =
          "make every snapshot anew in a private cache under the output folder, removed at the"
              + " end")
  boolean fresh;

  @Option(names = "--verbose", description = "print each cell's steps")
  boolean verbose;

  private final PrintStream say = System.out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Benchmark()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    if (rounds < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--rounds must be at least 1, was " + rounds);
    }
    HarnessSession session = HarnessSession.open(Settings.system(), Optional.empty(), s -> {});
    Path outDir = out != null ? out : session.settings().buildDir().resolve("bench");
    Files.createDirectories(outDir);
    // Transcripts of an earlier run would mix into this one's (the QMP transcript appends).
    deleteTree(outDir.resolve("cells"));
    GuestConfig guestConfig = session.loadConfig(config);
    MatrixRun run =
        session.matrix(
            guestConfig,
            Shard.ALL,
            Optional.empty(),
            parallel == null ? OptionalInt.empty() : OptionalInt.of(parallel),
            false);
    int n = run.parallelism();
    List<PlannedCell> runnable = runnable(run);
    if (runnable.isEmpty()) {
      say.println("no cell of " + config + " can run here");
      return 2;
    }
    Instant imagesStart = Instant.now();
    Map<String, GuestImage> byRecipe = new HashMap<>();
    for (PlannedCell p : runnable) {
      byRecipe.computeIfAbsent(p.recipe().imageName(), session.images()::image);
    }
    Duration imagesTook = Duration.between(imagesStart, Instant.now());
    SnapshotStore store = snapshotStore(session, outDir);
    CellOptions options =
        session
            .cellOptions()
            .withProgress(
                s -> {
                  if (verbose) {
                    say.println("  .. " + s);
                  }
                });
    say.printf(
        Locale.ROOT,
        "benchmark %s: %d cells, %d guests at once, %d round(s), %d cores, QEMU %s%n",
        guestConfig.name(),
        runnable.size(),
        n,
        rounds,
        Runtime.getRuntime().availableProcessors(),
        QemuVersionProbe.version(runnable.get(0).qemu()).map(Object::toString).orElse("?"));
    BenchmarkRun bench =
        new BenchmarkRun(
            runnable, byRecipe, outDir.resolve("cells"), options, store, new MatrixRunner(n), say);
    SnapshotPreparation prep = bench.prepareSnapshots();
    List<Pass> passes = bench.passes(rounds);
    Map<String, Object> report =
        BenchmarkReport.of(
            guestConfig.name(),
            runnable.size(),
            n,
            rounds,
            imagesTook,
            prep,
            passes,
            options.quietPeriod());
    write(outDir, guestConfig.name(), report, passes, n, prep.wall());
    return 0;
  }

  /** The cells of {@code run} that can run here; the others are named with the reason. */
  private List<PlannedCell> runnable(MatrixRun run) {
    List<PlannedCell> runnable = new ArrayList<>();
    for (PlannedCell p : run.cells()) {
      if (p.skipReason().isPresent()) {
        say.println("skipped " + p.displayName() + ": " + p.skipReason().get());
      } else {
        runnable.add(p);
      }
    }
    return runnable;
  }

  /** The session's snapshot cache, or with {@code --fresh-snapshots} an empty one of its own. */
  private SnapshotStore snapshotStore(HarnessSession session, Path outDir) throws IOException {
    if (!fresh) {
      return session.snapshots();
    }
    Path cache = outDir.resolve("snapshot-cache");
    deleteTree(cache);
    return new SnapshotStore(new ContentStore(cache));
  }

  /** Writes the JSON and the chart, prints the tables, and drops a private snapshot cache. */
  private void write(
      Path outDir,
      String name,
      Map<String, Object> report,
      List<Pass> passes,
      int n,
      Duration prepWall)
      throws IOException {
    double cold = BenchmarkSummary.wallMedian(passes, "cold");
    double warm = BenchmarkSummary.wallMedian(passes, "snapshot");
    String base = "benchmark-" + name;
    Path jsonFile = outDir.resolve(base + ".json");
    Json.PRETTY.writeValue(jsonFile.toFile(), report);
    Path svgFile = outDir.resolve(base + ".svg");
    Files.writeString(svgFile, BenchmarkPrinter.chart(name, passes, n, cold, warm, prepWall));
    new BenchmarkPrinter(say).print(report, passes);
    say.println("wrote " + jsonFile + " and " + svgFile);
    if (fresh) {
      deleteTree(outDir.resolve("snapshot-cache"));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    FileUtils.deleteDirectory(dir.toFile());
  }
}
