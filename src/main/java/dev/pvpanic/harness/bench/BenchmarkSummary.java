package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.CellRecord;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.machine.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The figures of a benchmark: per mode the wall time, per-phase and per-cell medians, harness
 * overhead and peak memory; the targets; the largest gap inside a RESET burst (what the quiet
 * period must cover).
 *
 * <p><b>Harness overhead</b> of a cell is its wall time minus the time of its QEMU-bound phases,
 * those in which the harness waits on QEMU or the guest: {@value #QEMU_BOUND_TEXT}. What is left is
 * the harness's own work: {@code prepare} (artifact folder, manifest copy, snapshot lookup and its
 * SHA-256 check), {@code judge} (final state, oracle comparison, result files) and anything between
 * phases. The figure per mode is the sum over cells divided by the sum of the cells' wall times.
 * Slots left idle while fewer cells than slots run are not in it; they are reported as idle slot
 * time (parallelism × pass wall time − sum of cell wall times).
 */
final class BenchmarkSummary {
  static final List<String> QEMU_BOUND =
      java.util.stream.Stream.concat(
              java.util.stream.Stream.of(
                  "snapshot",
                  "start",
                  "boot",
                  "restore",
                  "fallback",
                  "arm",
                  "trigger",
                  "capture",
                  "collect",
                  "teardown"),
              dev.pvpanic.harness.cell.AfterActions.phaseNames().stream())
          .toList();
  static final String QEMU_BOUND_TEXT =
      "snapshot (making one), start, boot, restore, fallback, arm, trigger, capture, collect,"
          + " teardown, and each after-action's own (AfterActions.phaseNames)";

  /** Rows of the phase table and chart; boot and restore share one. */
  static final List<String> PHASE_ROWS =
      List.of(
          "snapshot",
          "prepare",
          "start",
          "boot|restore",
          "arm",
          "trigger",
          "capture",
          "collect",
          "judge",
          "teardown",
          "total");

  private BenchmarkSummary() {}

  /** The seconds of {@code row} in a cell, if it has that phase. */
  static OptionalDouble phaseSeconds(CellResult r, String row) {
    if (row.equals("total")) {
      return OptionalDouble.of(seconds(r.total()));
    }
    if (row.equals("boot|restore")) {
      Duration d = r.phases().getOrDefault("boot", r.phases().get("restore"));
      return d == null ? OptionalDouble.empty() : OptionalDouble.of(seconds(d));
    }
    Duration d = r.phases().get(row);
    return d == null ? OptionalDouble.empty() : OptionalDouble.of(seconds(d));
  }

  /** Harness overhead of one cell: wall time not inside a QEMU-bound phase. */
  static double overheadSeconds(CellResult r) {
    double bound =
        r.phases().entrySet().stream()
            .filter(e -> QEMU_BOUND.contains(e.getKey()))
            .mapToDouble(e -> seconds(e.getValue()))
            .sum();
    return Math.max(0, seconds(r.total()) - bound);
  }

  static Map<String, Object> mode(String mode, List<Pass> passes, int parallelism) {
    List<Pass> mine = passes.stream().filter(p -> p.mode().equals(mode)).toList();
    List<CellResult> all = mine.stream().flatMap(p -> p.results().stream()).toList();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rounds", mine.size());
    m.put("wallSeconds", mine.stream().map(p -> seconds(p.wall())).toList());
    m.put("wallMedianSeconds", median(mine.stream().map(p -> seconds(p.wall())).toList()));
    double cellSum = all.stream().mapToDouble(r -> seconds(r.total())).sum();
    double overhead = all.stream().mapToDouble(BenchmarkSummary::overheadSeconds).sum();
    double wallSum = mine.stream().mapToDouble(p -> seconds(p.wall())).sum();
    m.put("cellSecondsSum", round(cellSum));
    m.put("harnessOverheadSeconds", round(overhead));
    m.put("harnessOverheadPercent", cellSum == 0 ? 0 : round(100 * overhead / cellSum));
    m.put("idleSlotSeconds", round(Math.max(0, parallelism * wallSum - cellSum)));
    Map<String, Object> phases = new LinkedHashMap<>();
    for (String row : PHASE_ROWS) {
      List<Double> values = new ArrayList<>();
      for (CellResult r : all) {
        phaseSeconds(r, row).ifPresent(values::add);
      }
      if (!values.isEmpty()) {
        phases.put(row, Map.of("median", median(values), "cells", values.size()));
      }
    }
    m.put("phaseMedians", phases);
    Map<String, Object> cells = new LinkedHashMap<>();
    for (String name : cellNames(all)) {
      List<CellResult> rs = all.stream().filter(r -> name(r).equals(name)).toList();
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("medianSeconds", median(rs.stream().map(r -> seconds(r.total())).toList()));
      c.put("verdicts", rs.stream().map(r -> r.verdict().name()).distinct().toList());
      c.put("start", rs.stream().map(r -> r.start().mode().id()).distinct().toList());
      rs.stream()
          .flatMap(r -> r.start().reason().stream())
          .findFirst()
          .ifPresent(reason -> c.put("startReason", reason));
      c.put(
          "qemuPeakMiB",
          rs.stream()
              .filter(r -> r.qemuPeakKb().isPresent())
              .mapToLong(r -> r.qemuPeakKb().getAsLong() / 1024)
              .max()
              .orElse(-1));
      cells.put(name, c);
    }
    m.put("cells", cells);
    List<Double> peaks =
        all.stream()
            .filter(r -> r.qemuPeakKb().isPresent())
            .map(r -> (double) (r.qemuPeakKb().getAsLong() / 1024))
            .toList();
    m.put(
        "qemuPeakMiB",
        Map.of(
            "max", peaks.stream().mapToDouble(d -> d).max().orElse(0),
            "median", median(peaks)));
    return m;
  }

  /**
   * The targets the issues name: reported, never asserted. A target over cells of a kind no cell of
   * the run was is not met (its median of nothing is no figure).
   */
  static List<Map<String, Object>> targets(List<Pass> passes) {
    List<CellResult> snap = results(passes, "snapshot");
    List<Map<String, Object>> t = new ArrayList<>();
    t.add(
        medianTarget(
            "x86_64 panic cell median with snapshots",
            3,
            totals(
                snap,
                r ->
                    arch(r) == Architecture.X86_64
                        && !r.cell().kdump()
                        && r.cell().trigger().id().equals("sysrq-c"))));
    t.add(
        medianTarget("kdump cell median with snapshots", 10, totals(snap, r -> r.cell().kdump())));
    double cold = wallMedian(passes, "cold");
    double warm = wallMedian(passes, "snapshot");
    double ratio = warm == 0 ? 0 : cold / warm;
    t.add(target("cold wall / snapshot wall, same run", ">= 3x", round(ratio), ratio >= 3));
    double overhead = overheadPercent(snap);
    t.add(target("harness overhead with snapshots", "< 5 % of cell time", overhead, overhead < 5));
    t.add(
        medianTarget(
            "x86_64 kdump cell median with snapshots (issue 28)",
            4,
            totals(snap, r -> arch(r) == Architecture.X86_64 && r.cell().kdump())));
    return t;
  }

  /** The median of {@code cellSeconds} at most {@code seconds}; not met when there is none. */
  private static Map<String, Object> medianTarget(
      String what, double seconds, List<Double> cellSeconds) {
    String goal =
        "<= "
            + (seconds == Math.rint(seconds)
                ? String.valueOf((long) seconds)
                : String.valueOf(seconds))
            + " s";
    if (cellSeconds.isEmpty()) {
      return target(what, goal + " (no such cell ran)", 0, false);
    }
    double m = median(cellSeconds);
    return target(what, goal, m, m <= seconds);
  }

  private static Map<String, Object> target(String what, String goal, double value, boolean met) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", what);
    m.put("goal", goal);
    m.put("value", round(value));
    m.put("met", met);
    return m;
  }

  static double overheadPercent(List<CellResult> results) {
    double sum = results.stream().mapToDouble(r -> seconds(r.total())).sum();
    double over = results.stream().mapToDouble(BenchmarkSummary::overheadSeconds).sum();
    return sum == 0 ? 0 : round(100 * over / sum);
  }

  static double wallMedian(List<Pass> passes, String mode) {
    return median(
        passes.stream().filter(p -> p.mode().equals(mode)).map(p -> seconds(p.wall())).toList());
  }

  /**
   * The largest gap between two RESET events that follow each other with no other event between
   * (QEMU's own timestamps, from the cells' records): how far apart the events of one reboot burst
   * come, which the quiet period must cover.
   */
  static Optional<Double> largestResetGapMillis(List<Pass> passes) {
    double max = -1;
    for (Pass p : passes) {
      for (CellResult r : p.results()) {
        List<CellRecord.Event> events = events(r);
        for (int i = 1; i < events.size(); i++) {
          if (events.get(i).name().equals("RESET") && events.get(i - 1).name().equals("RESET")) {
            double gap = events.get(i).qemuSeconds() - events.get(i - 1).qemuSeconds();
            max = Math.max(max, gap * 1000);
          }
        }
      }
    }
    return max < 0 ? Optional.empty() : Optional.of(round(max));
  }

  /** A cell's events as its record has them; none when it has no readable record. */
  private static List<CellRecord.Event> events(CellResult r) {
    Path file = r.artifacts().resolve(CellArtifacts.CELL_JSON);
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return CellRecord.read(file).events();
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  static List<CellResult> results(List<Pass> passes, String mode) {
    return passes.stream()
        .filter(p -> p.mode().equals(mode))
        .flatMap(p -> p.results().stream())
        .toList();
  }

  private static List<Double> totals(List<CellResult> rs, Predicate<CellResult> which) {
    return rs.stream().filter(which).map(r -> seconds(r.total())).toList();
  }

  private static Architecture arch(CellResult r) {
    String name = r.guest().map(g -> g.arch()).orElse(r.cell().recipe().split("-", 2)[0]);
    for (Architecture a : Architecture.values()) {
      if (a.id().equals(name)) {
        return a;
      }
    }
    return Architecture.X86_64;
  }

  static List<String> cellNames(List<CellResult> rs) {
    return rs.stream().map(BenchmarkSummary::name).distinct().collect(Collectors.toList());
  }

  static String name(CellResult r) {
    return r.cell().name().orElse(r.cell().id());
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> s = values.stream().sorted(Comparator.naturalOrder()).toList();
    int n = s.size();
    double m = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    return round(m);
  }

  static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
