package dev.pvpanic.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.cell.CellRecord;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.CellStart;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkSummaryTest {
  @TempDir Path tmp;

  private CellResult result(String name, long totalMs, Map<String, Long> phasesMs, String kdump) {
    Map<String, Duration> phases = new LinkedHashMap<>();
    phasesMs.forEach((k, v) -> phases.put(k, Duration.ofMillis(v)));
    return new CellResult(
        new Cell(Optional.of(name), Map.of(Axis.RECIPE, "x86_64-6.12", Axis.KDUMP, kdump)),
        Verdict.PASS,
        "",
        Optional.empty(),
        Optional.empty(),
        phases,
        Duration.ofMillis(totalMs),
        "7.2.22",
        "tcg",
        Optional.empty(),
        tmp.resolve(name),
        Optional.empty(),
        CellStart.snapshot("k"),
        OptionalLong.of(400 * 1024));
  }

  @Test
  void overheadIsWallTimeOutsideQemuBoundPhases() {
    Map<String, Long> p = new LinkedHashMap<>();
    p.put("prepare", 100L);
    p.put("start", 200L);
    p.put("restore", 50L);
    p.put("arm", 1000L);
    p.put("trigger", 100L);
    p.put("collect", 500L);
    p.put("judge", 40L);
    p.put("teardown", 10L);
    // 2000 ms in all: 1860 in QEMU-bound phases, 100 prepare + 40 judge, and 0 unmarked.
    assertEquals(0.140, BenchmarkSummary.overheadSeconds(result("a", 2000, p, "no")), 1e-9);
    // 60 ms nobody marked count as overhead too.
    assertEquals(0.200, BenchmarkSummary.overheadSeconds(result("a", 2060, p, "no")), 1e-9);
  }

  /** An after-action's phase (a debian cell's second boot, a dump) is the guest's time. */
  @Test
  void afterActionPhasesAreNotHarnessOverhead() {
    for (String phase : List.of("saved-dump", "dump", "recover")) {
      assertTrue(BenchmarkSummary.QEMU_BOUND.contains(phase), phase);
      assertEquals(
          0.0,
          BenchmarkSummary.overheadSeconds(
              result("a", 5000, Map.of("restore", 1000L, phase, 4000L), "no")),
          1e-9,
          phase);
    }
  }

  @Test
  void bootAndRestoreShareARowAndTotalIsTheCellsWallTime() {
    CellResult cold = result("c", 7000, Map.of("boot", 6000L), "no");
    CellResult snap = result("s", 400, Map.of("restore", 60L), "no");
    assertEquals(6.0, BenchmarkSummary.phaseSeconds(cold, "boot|restore").getAsDouble());
    assertEquals(0.06, BenchmarkSummary.phaseSeconds(snap, "boot|restore").getAsDouble());
    assertEquals(0.4, BenchmarkSummary.phaseSeconds(snap, "total").getAsDouble());
    assertTrue(BenchmarkSummary.phaseSeconds(snap, "capture").isEmpty());
  }

  /** Cell a: 10 s cold in a 60 s pass, 2 s from its snapshot in a 15 s pass. */
  private List<Pass> oneRoundOfEach() {
    return List.of(
        new Pass(
            "cold",
            1,
            Duration.ofSeconds(60),
            List.of(result("a", 10_000, Map.of("boot", 9000L), "no"))),
        new Pass(
            "snapshot",
            1,
            Duration.ofSeconds(15),
            List.of(result("a", 2_000, Map.of("restore", 1900L), "no"))));
  }

  @Test
  void mediansAndTargets() {
    assertEquals(2.0, BenchmarkSummary.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, BenchmarkSummary.median(List.of(3.0, 1.0, 2.0, 4.0)));
    List<Pass> passes = oneRoundOfEach();
    List<Map<String, Object>> t = BenchmarkSummary.targets(passes);
    assertEquals(2.0, t.get(0).get("value"));
    assertEquals(true, t.get(0).get("met"));
    assertEquals(4.0, t.get(2).get("value"), "60 s cold / 15 s snapshot");
    assertEquals(5.0, t.get(3).get("value"), "100 ms of 2000 outside QEMU-bound phases");
    assertEquals(false, t.get(3).get("met"), "5 % is not under 5 %");
    assertEquals(false, t.get(1).get("met"), "no kdump cell ran: a median of nothing is no figure");
    assertTrue(String.valueOf(t.get(1).get("goal")).contains("no such cell ran"), t.toString());
    assertEquals(false, t.get(4).get("met"), "no x86_64 kdump cell either");
  }

  @Test
  void theReportHasEveryMemberInOrderAndThePrinterShowsItsParts() {
    List<Pass> passes = oneRoundOfEach();
    Map<String, Object> report =
        BenchmarkReport.of(
            "smoke",
            1,
            2,
            1,
            Duration.ofSeconds(3),
            new SnapshotPreparation(List.of(), Duration.ofSeconds(5)),
            passes,
            Duration.ofSeconds(2));

    assertEquals(
        List.of(
            "config",
            "cells",
            "parallelism",
            "rounds",
            "cores",
            "loadAverageAtEnd",
            "imagesSeconds",
            "snapshots",
            "modes",
            "speedup",
            "targets",
            "largestResetBurstGapMillis",
            "quietPeriodSeconds",
            "jvm",
            "harnessOverheadDefinition"),
        List.copyOf(report.keySet()));
    assertEquals(
        Map.of("coldOverSnapshotWall", 4.0, "coldOverSnapshotWallIncludingMaking", 3.0),
        report.get("speedup"));
    assertEquals(0L, ((Map<?, ?>) report.get("snapshots")).get("made"));

    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    new BenchmarkPrinter(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8))
        .print(report, passes);
    String text = printed.toString(StandardCharsets.UTF_8);
    List<String> parts =
        List.of(
            "wall time, median of rounds (s)",
            "phase medians (s, over the cells that have the phase):",
            "per-cell medians (s):",
            "speed-up cold/snapshot: 4.0x (3.0x counting the time to make the snapshots)",
            "targets (reported, not asserted):",
            "largest gap inside a RESET burst: ",
            "note: other guests on this machine share its cores");
    int at = 0;
    for (String part : parts) {
      int found = text.indexOf(part, at);
      assertTrue(found >= at, "'" + part + "' in order in:\n" + text);
      at = found;
    }
  }

  @Test
  void resetBurstGapsComeFromQemusTimestamps() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("a"));
    // another event ends the burst: the RESET after it is not 4 s late
    new CellRecord(
            "a",
            null,
            "a",
            Map.of("recipe", "x86_64-6.12"),
            Verdict.PASS,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            1.0,
            Map.of(),
            null,
            "",
            null,
            List.of(),
            List.of(
                new CellRecord.Event("RESET", Map.of(), 100.0),
                new CellRecord.Event("RESET", Map.of(), 100.012),
                new CellRecord.Event("STOP", Map.of(), 101.0),
                new CellRecord.Event("RESET", Map.of(), 105.0)))
        .writeTo(dir);
    Pass pass =
        new Pass("snapshot", 1, Duration.ofSeconds(1), List.of(result("a", 1, Map.of(), "no")));
    assertEquals(12.0, BenchmarkSummary.largestResetGapMillis(List.of(pass)).orElseThrow(), 0.01);
  }

  @Test
  void theChartIsWellFormedSvgWithLabelsEscaped() throws Exception {
    String svg =
        BarChart.svg(
            "a <b> & c",
            List.of("sub"),
            List.of(
                new BarChart.Panel(
                    "phases",
                    "s",
                    List.of(
                        new BarChart.Row(
                            "boot|restore", OptionalDouble.of(6), OptionalDouble.of(0.05)),
                        new BarChart.Row(
                            "capture", OptionalDouble.empty(), OptionalDouble.of(3))))));
    var doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertEquals("svg", doc.getDocumentElement().getTagName());
    assertTrue(svg.contains("a &lt;b&gt; &amp; c"), svg);
    assertFalse(svg.contains("NaN"), svg);
  }
}
