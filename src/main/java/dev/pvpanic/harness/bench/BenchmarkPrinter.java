package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.cell.CellResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/** What a benchmark run prints on the terminal and draws as its SVG chart. */
final class BenchmarkPrinter {
  private final PrintStream say;

  BenchmarkPrinter(PrintStream say) {
    this.say = say;
  }

  /** Prints {@code report} (see {@link BenchmarkReport}): the modes side by side, then verdicts. */
  @SuppressWarnings("unchecked")
  void print(Map<String, Object> report, List<Pass> passes) {
    Map<String, Object> modes = (Map<String, Object>) report.get("modes");
    Map<String, Object> cold = (Map<String, Object>) modes.get("cold");
    Map<String, Object> snap = (Map<String, Object>) modes.get("snapshot");
    printTotals(cold, snap);
    printMedians(cold, snap);
    printOutcome(report);
  }

  /** Wall time, cell time, overhead, idle slots and peak memory, cold against snapshot. */
  @SuppressWarnings("unchecked")
  private void printTotals(Map<String, Object> cold, Map<String, Object> snap) {
    say.println();
    say.printf(Locale.ROOT, "%-34s %12s %12s%n", "", "cold", "snapshot");
    say.printf(
        Locale.ROOT,
        "%-34s %12s %12s%n",
        "wall time, median of rounds (s)",
        cold.get("wallMedianSeconds"),
        snap.get("wallMedianSeconds"));
    say.printf(
        Locale.ROOT,
        "%-34s %12s %12s%n",
        "sum of cell times (s)",
        cold.get("cellSecondsSum"),
        snap.get("cellSecondsSum"));
    say.printf(
        Locale.ROOT,
        "%-34s %11s%% %11s%%%n",
        "harness overhead",
        cold.get("harnessOverheadPercent"),
        snap.get("harnessOverheadPercent"));
    say.printf(
        Locale.ROOT,
        "%-34s %12s %12s%n",
        "idle slot time (s)",
        cold.get("idleSlotSeconds"),
        snap.get("idleSlotSeconds"));
    say.printf(
        Locale.ROOT,
        "%-34s %12s %12s%n",
        "QEMU peak RSS, max (MiB)",
        ((Map<String, Object>) cold.get("qemuPeakMiB")).get("max"),
        ((Map<String, Object>) snap.get("qemuPeakMiB")).get("max"));
  }

  /** Per-phase and per-cell medians, cold against snapshot. */
  @SuppressWarnings("unchecked")
  private void printMedians(Map<String, Object> cold, Map<String, Object> snap) {
    say.println("phase medians (s, over the cells that have the phase):");
    Map<String, Object> cp = (Map<String, Object>) cold.get("phaseMedians");
    Map<String, Object> sp = (Map<String, Object>) snap.get("phaseMedians");
    for (String row : BenchmarkSummary.PHASE_ROWS) {
      say.printf(Locale.ROOT, "  %-32s %12s %12s%n", row, phaseCell(cp, row), phaseCell(sp, row));
    }
    say.println("per-cell medians (s):");
    Map<String, Object> cc = (Map<String, Object>) cold.get("cells");
    Map<String, Object> sc = (Map<String, Object>) snap.get("cells");
    for (String name : cc.keySet()) {
      Map<String, Object> c = (Map<String, Object>) cc.get(name);
      Map<String, Object> s = (Map<String, Object>) sc.get(name);
      say.printf(
          Locale.ROOT,
          "  %-32s %12s %12s  %s/%s %s%n",
          name,
          c.get("medianSeconds"),
          s == null ? "-" : s.get("medianSeconds"),
          c.get("verdicts"),
          s == null ? "-" : s.get("verdicts"),
          s == null ? "" : s.get("start"));
    }
  }

  /** The speed-up, the targets, the RESET burst gap, JVM memory and how noisy the numbers are. */
  @SuppressWarnings("unchecked")
  private void printOutcome(Map<String, Object> report) {
    Map<String, Object> speed = (Map<String, Object>) report.get("speedup");
    say.printf(
        Locale.ROOT,
        "speed-up cold/snapshot: %sx (%sx counting the time to make the snapshots)%n",
        speed.get("coldOverSnapshotWall"),
        speed.get("coldOverSnapshotWallIncludingMaking"));
    say.println("targets (reported, not asserted):");
    for (Map<String, Object> t : (List<Map<String, Object>>) report.get("targets")) {
      say.printf(
          Locale.ROOT,
          "  %-46s %-18s %8s  %s%n",
          t.get("target"),
          t.get("goal"),
          t.get("value"),
          Boolean.TRUE.equals(t.get("met")) ? "met" : "NOT met");
    }
    say.println(
        "largest gap inside a RESET burst: "
            + report.get("largestResetBurstGapMillis")
            + " ms (quiet period "
            + report.get("quietPeriodSeconds")
            + " s)");
    say.println("JVM memory: " + report.get("jvm"));
    say.println(
        "note: other guests on this machine share its cores; the numbers move with the load"
            + " (load average at the end: "
            + String.format(Locale.ROOT, "%.2f", (Double) report.get("loadAverageAtEnd"))
            + ")");
  }

  private static String phaseCell(Map<String, Object> phases, String row) {
    Object v = phases.get(row);
    if (v == null) {
      return "-";
    }
    Map<?, ?> m = (Map<?, ?>) v;
    return m.get("median") + " (" + m.get("cells") + ")";
  }

  static String chart(
      String name, List<Pass> passes, int n, double cold, double warm, Duration prep) {
    List<CellResult> c = BenchmarkSummary.results(passes, "cold");
    List<CellResult> s = BenchmarkSummary.results(passes, "snapshot");
    List<BarChart.Row> phases = new ArrayList<>();
    for (String row : BenchmarkSummary.PHASE_ROWS) {
      phases.add(new BarChart.Row(row, medianOf(c, row), medianOf(s, row)));
    }
    List<BarChart.Row> cells = new ArrayList<>();
    for (String cell : BenchmarkSummary.cellNames(c)) {
      cells.add(
          new BarChart.Row(
              cell,
              medianOf(
                  c.stream().filter(r -> BenchmarkSummary.name(r).equals(cell)).toList(), "total"),
              medianOf(
                  s.stream().filter(r -> BenchmarkSummary.name(r).equals(cell)).toList(),
                  "total")));
    }
    List<BarChart.Row> walls =
        List.of(
            new BarChart.Row("wall time", OptionalDouble.of(cold), OptionalDouble.of(warm)),
            new BarChart.Row(
                "wall + making snapshots",
                OptionalDouble.of(cold),
                OptionalDouble.of(warm + BenchmarkSummary.seconds(prep))));
    return BarChart.svg(
        "pvpanic-harness benchmark: " + name,
        List.of(
            String.format(
                Locale.ROOT,
                "%d cells, %d guests at once, %d round(s) per mode; cold %.1f s, snapshot %.1f s"
                    + " wall (%.2fx)",
                c.size() / Math.max(1, passes.size() / 2),
                n,
                passes.size() / 2,
                cold,
                warm,
                cold / warm),
            "Medians. Other guests share this machine's cores: the numbers are noisy."),
        List.of(
            new BarChart.Panel("Matrix wall time", "s", walls),
            new BarChart.Panel("Phase medians (cells that have the phase)", "s", phases),
            new BarChart.Panel("Per-cell medians", "s", cells)));
  }

  private static OptionalDouble medianOf(List<CellResult> rs, String row) {
    List<Double> v = new ArrayList<>();
    for (CellResult r : rs) {
      BenchmarkSummary.phaseSeconds(r, row).ifPresent(v::add);
    }
    return v.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(BenchmarkSummary.median(v));
  }
}
