package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.machine.PeakMemory;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.scenario.CellOptions;
import dev.pvpanic.harness.scenario.CellResult;
import dev.pvpanic.harness.scenario.CellRunner;
import dev.pvpanic.harness.scenario.HarnessSession;
import dev.pvpanic.harness.scenario.MatrixRun;
import dev.pvpanic.harness.scenario.MatrixRunner;
import dev.pvpanic.harness.scenario.SnapshotStore;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    List<PlannedCell> runnable = new ArrayList<>();
    for (PlannedCell p : run.cells()) {
      if (p.skipReason().isPresent()) {
        say.println("skipped " + p.displayName() + ": " + p.skipReason().get());
      } else {
        runnable.add(p);
      }
    }
    if (runnable.isEmpty()) {
      say.println("no cell of " + config + " can run here");
      return 2;
    }
    Instant imagesStart = Instant.now();
    Map<String, GuestImage> byRecipe = new HashMap<>();
    for (PlannedCell p : runnable) {
      byRecipe.computeIfAbsent(p.recipe().name(), session.images()::image);
    }
    Duration imagesTook = Duration.between(imagesStart, Instant.now());

    SnapshotStore store;
    if (fresh) {
      Path cache = outDir.resolve("snapshot-cache");
      deleteTree(cache);
      store = new SnapshotStore(new ContentStore(cache));
    } else {
      store = session.snapshots();
    }
    CellOptions options =
        CellOptions.defaults()
            .withProgress(
                s -> {
                  if (verbose) {
                    say.println("  .. " + s);
                  }
                });
    MatrixRunner scheduler = new MatrixRunner(n);
    say.printf(
        Locale.ROOT,
        "benchmark %s: %d cells, %d guests at once, %d round(s), %d cores, QEMU %s%n",
        guestConfig.name(),
        runnable.size(),
        n,
        rounds,
        Runtime.getRuntime().availableProcessors(),
        QemuVersionProbe.version(runnable.get(0).qemu()).map(Object::toString).orElse("?"));

    say.println("making or finding snapshots ...");
    Instant prepStart = Instant.now();
    List<MatrixRunner.Prepared> prepared =
        scheduler.prepareSnapshots(
            jobs(runnable, byRecipe, outDir.resolve("cells").resolve("prepare")),
            new CellRunner(options.withCold(false), store));
    Duration prepWall = Duration.between(prepStart, Instant.now());
    long made =
        prepared.stream()
            .filter(p -> p.lookup() instanceof SnapshotStore.Restorable r && r.made())
            .count();
    say.printf(
        Locale.ROOT,
        "snapshots: %d keys for %d cells, %d made, %d found in the cache, in %.1f s%n",
        prepared.size(),
        runnable.size(),
        made,
        prepared.size() - made,
        BenchmarkSummary.seconds(prepWall));
    prepared.stream()
        .filter(p -> p.lookup() instanceof SnapshotStore.Unusable)
        .forEach(
            p ->
                say.println(
                    "  no snapshot for "
                        + p.firstJob().planned().displayName()
                        + ": "
                        + ((SnapshotStore.Unusable) p.lookup()).reason()));

    List<Pass> passes = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      List<String> order =
          round % 2 == 1 ? List.of("cold", "snapshot") : List.of("snapshot", "cold");
      for (String mode : order) {
        say.printf(Locale.ROOT, "round %d: %s ...%n", round, mode);
        List<MatrixRunner.Job> jobs =
            jobs(runnable, byRecipe, outDir.resolve("cells").resolve(mode + "-r" + round));
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

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("config", guestConfig.name());
    report.put("cells", runnable.size());
    report.put("parallelism", n);
    report.put("rounds", rounds);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put(
        "loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    report.put("imagesSeconds", BenchmarkSummary.seconds(imagesTook));
    Map<String, Object> snaps = new LinkedHashMap<>();
    snaps.put("keys", prepared.size());
    snaps.put("made", made);
    snaps.put("foundInCache", prepared.size() - made);
    snaps.put("wallSeconds", BenchmarkSummary.seconds(prepWall));
    snaps.put(
        "perKeySeconds",
        prepared.stream()
            .map(
                p ->
                    Map.of(
                        "key", p.key().shortHash(),
                        "firstCell", p.firstJob().planned().displayName(),
                        "seconds", BenchmarkSummary.seconds(p.took()),
                        "made", p.lookup() instanceof SnapshotStore.Restorable r && r.made()))
            .toList());
    report.put("snapshots", snaps);
    Map<String, Object> modes = new LinkedHashMap<>();
    for (String mode : List.of("cold", "snapshot")) {
      modes.put(mode, BenchmarkSummary.mode(mode, passes, n));
    }
    report.put("modes", modes);
    double cold = BenchmarkSummary.wallMedian(passes, "cold");
    double warm = BenchmarkSummary.wallMedian(passes, "snapshot");
    Map<String, Object> ratio = new LinkedHashMap<>();
    ratio.put("coldOverSnapshotWall", BenchmarkSummary.round(cold / warm));
    ratio.put(
        "coldOverSnapshotWallIncludingMaking",
        BenchmarkSummary.round(cold / (warm + BenchmarkSummary.seconds(prepWall))));
    report.put("speedup", ratio);
    report.put("targets", BenchmarkSummary.targets(passes));
    report.put(
        "largestResetBurstGapMillis", BenchmarkSummary.largestResetGapMillis(passes).orElse(null));
    report.put("quietPeriodSeconds", BenchmarkSummary.seconds(options.quietPeriod()));
    report.put("jvm", jvmMemory());
    report.put(
        "harnessOverheadDefinition",
        "cell wall time minus its QEMU-bound phases ("
            + BenchmarkSummary.QEMU_BOUND_TEXT
            + "): prepare, judge and gaps between phases; summed over cells, divided by the"
            + " summed cell wall times");

    String base = "benchmark-" + guestConfig.name();
    Path jsonFile = outDir.resolve(base + ".json");
    Json.PRETTY.writeValue(jsonFile.toFile(), report);
    Path svgFile = outDir.resolve(base + ".svg");
    Files.writeString(
        svgFile, BenchmarkPrinter.chart(guestConfig.name(), passes, n, cold, warm, prepWall));
    new BenchmarkPrinter(say).print(report, passes);
    say.println("wrote " + jsonFile + " and " + svgFile);
    if (fresh) {
      deleteTree(outDir.resolve("snapshot-cache"));
    }
    return 0;
  }

  private static List<MatrixRunner.Job> jobs(
      List<PlannedCell> cells, Map<String, GuestImage> images, Path root) {
    return cells.stream()
        .map(
            p ->
                new MatrixRunner.Job(p, images.get(p.recipe().name()), root.resolve(p.cell().id())))
        .toList();
  }

  private static String verdictCounts(List<CellResult> results) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    results.forEach(r -> counts.merge(r.verdict().name(), 1, Integer::sum));
    return counts.toString();
  }

  private static Map<String, Object> jvmMemory() {
    long heapPeak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        heapPeak += pool.getPeakUsage().getUsed();
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heapPeakMiB", heapPeak / (1024 * 1024));
    m.put(
        "heapUsedMiB",
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024));
    m.put(
        "vmHwmMiB",
        PeakMemory.ofThisProcessKb().isPresent()
            ? PeakMemory.ofThisProcessKb().getAsLong() / 1024
            : null);
    return m;
  }

  private static void deleteTree(Path dir) throws IOException {
    FileUtils.deleteDirectory(dir.toFile());
  }
}
