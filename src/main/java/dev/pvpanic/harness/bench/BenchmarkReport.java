package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.machine.PeakMemory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's JSON document ({@code benchmark-<config>.json}), which {@link BenchmarkPrinter}
 * also prints: what ran on what machine, the snapshots, each mode's figures, the speed-up, the
 * targets (reported, not asserted), the largest gap inside a RESET burst and the JVM's memory.
 */
final class BenchmarkReport {
  private BenchmarkReport() {}

  /**
   * @param cells how many cells each pass ran
   * @param images how long finding or building the guest images took
   */
  static Map<String, Object> of(
      String config,
      int cells,
      int parallelism,
      int rounds,
      Duration images,
      SnapshotPreparation snapshots,
      List<Pass> passes,
      Duration quietPeriod) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("config", config);
    report.put("cells", cells);
    report.put("parallelism", parallelism);
    report.put("rounds", rounds);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put(
        "loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    report.put("imagesSeconds", BenchmarkSummary.seconds(images));
    report.put("snapshots", snapshots.report());
    Map<String, Object> modes = new LinkedHashMap<>();
    for (String mode : List.of("cold", "snapshot")) {
      modes.put(mode, BenchmarkSummary.mode(mode, passes, parallelism));
    }
    report.put("modes", modes);
    double cold = BenchmarkSummary.wallMedian(passes, "cold");
    double warm = BenchmarkSummary.wallMedian(passes, "snapshot");
    Map<String, Object> ratio = new LinkedHashMap<>();
    ratio.put("coldOverSnapshotWall", BenchmarkSummary.round(cold / warm));
    ratio.put(
        "coldOverSnapshotWallIncludingMaking",
        BenchmarkSummary.round(cold / (warm + BenchmarkSummary.seconds(snapshots.wall()))));
    report.put("speedup", ratio);
    report.put("targets", BenchmarkSummary.targets(passes));
    report.put(
        "largestResetBurstGapMillis", BenchmarkSummary.largestResetGapMillis(passes).orElse(null));
    report.put("quietPeriodSeconds", BenchmarkSummary.seconds(quietPeriod));
    report.put("jvm", jvmMemory());
    report.put(
        "harnessOverheadDefinition",
        "cell wall time minus its QEMU-bound phases ("
            + BenchmarkSummary.QEMU_BOUND_TEXT
            + "): prepare, judge and gaps between phases; summed over cells, divided by the"
            + " summed cell wall times");
    return report;
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
}
