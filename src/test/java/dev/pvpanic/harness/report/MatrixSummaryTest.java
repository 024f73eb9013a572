package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.cell.CellRecord;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixSummaryTest {
  @TempDir Path tmp;

  private Path cells() throws IOException {
    return Files.createDirectories(tmp.resolve("cells").resolve("smoke"));
  }

  private static String read(Path f) throws IOException {
    return Files.readString(f);
  }

  @Test
  void countsEveryVerdictAndIgnoresFoldersWithoutCellJson() throws IOException {
    Path dir = cells();
    cell("x86_64-6.12").writeTo(dir);
    cell("x86_64-6.12").with("panic", "none").writeTo(dir);
    cell("x86_64-6.1").verdict("WRONG_EVENTS").writeTo(dir);
    cell("aarch64-6.12").verdict("TIMEOUT").writeTo(dir);
    cell("aarch64-6.12").with("kdump", "yes").verdict("NOT_APPLICABLE").writeTo(dir);
    Files.createDirectories(dir.resolve("half-written-cell"));
    Files.writeString(dir.resolve("stray.txt"), "not a cell");

    MatrixSummary s = MatrixSummary.read(dir);

    assertEquals("smoke", s.configName());
    assertEquals(5, s.cells().size());
    Map<Verdict, Integer> expected = new LinkedHashMap<>();
    expected.put(Verdict.PASS, 2);
    expected.put(Verdict.WRONG_GUEST_STATE, 0);
    expected.put(Verdict.WRONG_EVENTS, 1);
    expected.put(Verdict.UNEXPECTED_PANIC, 0);
    expected.put(Verdict.QEMU_CRASHED, 0);
    expected.put(Verdict.CAPTURE_FAILED, 0);
    expected.put(Verdict.TIMEOUT, 1);
    expected.put(Verdict.INFRASTRUCTURE_ERROR, 0);
    expected.put(Verdict.INTERRUPTED, 0);
    expected.put(Verdict.NOT_APPLICABLE, 1);
    assertEquals(expected, s.counts());

    s.writeHtml(tmp.resolve("out/summary.html"));
    String html = read(tmp.resolve("out/summary.html"));
    assertTrue(html.contains("id=\"total-PASS\"><b>2</b>PASS"), html);
    assertTrue(html.contains("id=\"total-UNEXPECTED_PANIC\"><b>0</b>"), html);
    s.writeMarkdown(tmp.resolve("out/summary.md"));
    String md = read(tmp.resolve("out/summary.md"));
    assertTrue(md.contains("**5 cells** · ✅ 2 PASS · ❌ 1 WRONG_EVENTS · ⏱️ 1 TIMEOUT"), md);
    assertFalse(md.contains("UNEXPECTED_PANIC"), "verdicts nobody got stay out of the totals");
  }

  @Test
  void rowsAreRecipesByArchAndKernelVersionColumnsAreScenarios() throws IOException {
    Path dir = cells();
    cell("aarch64-6.12-bpo").with("kdump", "yes").with("post_notifiers", "cmdline").writeTo(dir);
    cell("x86_64-6.12").with("panic", "none").writeTo(dir);
    cell("x86_64-7.x").writeTo(dir);
    cell("aarch64-6.12").writeTo(dir);
    cell("x86_64-5.10").with("device", "isa").with("events", "1").writeTo(dir);
    cell("x86_64-6.1").writeTo(dir);
    cell("x86_64-6.12")
        .with("kdump", "yes")
        .with("post_notifiers", "cmdline")
        .with("panic", "none")
        .writeTo(dir);

    MatrixSummary s = MatrixSummary.read(dir);

    assertEquals(
        List.of(
            "x86_64-5.10",
            "x86_64-6.1",
            "x86_64-6.12",
            "x86_64-7.x",
            "aarch64-6.12",
            "aarch64-6.12-bpo"),
        s.recipes());
    assertEquals(
        List.of(
            "pci · no-kdump",
            "pci · no-kdump · panic=none",
            "pci · kdump+cmdline",
            "pci · kdump+cmdline · panic=none",
            "isa events=1 · no-kdump"),
        s.scenarioLabels());
    assertEquals(1, s.cellsAt("x86_64-6.12", "pci · kdump+cmdline · panic=none").size());
    assertEquals(List.of(), s.cellsAt("x86_64-6.1", "pci · kdump+cmdline · panic=none"));

    s.writeHtml(tmp.resolve("summary.html"));
    Map<String, List<String>> grid = gridRows(read(tmp.resolve("summary.html")));
    assertEquals(s.recipes(), new ArrayList<>(grid.keySet()), "rows in recipe order");
    for (String recipe : s.recipes()) {
      List<String> row = grid.get(recipe);
      assertEquals(s.scenarioLabels().size(), row.size(), recipe + ": one td per column");
      for (int col = 0; col < row.size(); col++) {
        List<CellSummary> here = s.cellsAt(recipe, s.scenarioLabels().get(col));
        if (here.isEmpty()) {
          assertTrue(row.get(col).startsWith("<td class=\"empty\""), recipe + " col " + col);
        } else {
          assertTrue(
              row.get(col).contains("id=\"cell-" + here.get(0).id() + "\""),
              recipe + " col " + col + ": " + row.get(col));
        }
      }
    }
    String html = read(tmp.resolve("summary.html"));
    assertTrue(
        html.indexOf("<th colspan=\"6\">x86_64</th>") < html.indexOf("<th colspan=\"6\">aarch64"),
        "one group header per architecture, x86_64 first");
  }

  @Test
  void cellsAreColouredByVerdictAndShowTheirTime() throws IOException {
    Path dir = cells();
    cell("x86_64-6.12").seconds(12.345).writeTo(dir);
    cell("x86_64-6.1").verdict("UNEXPECTED_PANIC").writeTo(dir);
    cell("x86_64-5.10").verdict("INFRASTRUCTURE_ERROR").writeTo(dir);
    MatrixSummary.read(dir).writeHtml(tmp.resolve("s.html"));
    Map<String, List<String>> grid = gridRows(read(tmp.resolve("s.html")));

    assertTrue(grid.get("x86_64-6.12").get(0).contains("class=\"c pass\""));
    assertTrue(grid.get("x86_64-6.12").get(0).contains("<span class=\"t\">12.3 s</span>"));
    assertTrue(grid.get("x86_64-6.1").get(0).contains("class=\"c fail\""));
    assertTrue(grid.get("x86_64-6.1").get(0).contains(">PANIC</a>"));
    assertTrue(grid.get("x86_64-5.10").get(0).contains("class=\"c infra\""));
  }

  @Test
  void consoleTextCannotInjectMarkup() throws IOException {
    Path dir = cells();
    String evil =
        "<script>alert(\"x\")</script> <img src=x onerror=alert(1)> ' \" & \u001b[31m|a|b|";
    cell("x86_64-6.12")
        .verdict("TIMEOUT")
        .name("evil <b>name</b> | [link](http://example.invalid)")
        .message("console tail:\n" + evil + "\n")
        .qemu("9.9 <i>qemu</i>")
        .with("machine_type", "q35\"><script>x</script>")
        .writeTo(dir, "cell-with-evil-text");
    MatrixSummary s = MatrixSummary.read(dir);
    s.writeHtml(tmp.resolve("s.html"));
    s.writeMarkdown(tmp.resolve("s.md"));
    String html = read(tmp.resolve("s.html"));
    String md = read(tmp.resolve("s.md"));

    for (String out : List.of(html, md)) {
      assertFalse(out.contains("<script"), out);
      assertFalse(out.contains("<img"), out);
      assertFalse(out.contains("<b>name"), out);
      assertFalse(out.contains("<i>qemu"), out);
      assertFalse(out.contains("\u001b"), "terminal escapes are dropped");
    }
    assertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), html);
    assertTrue(html.contains("machine=q35&quot;&gt;&lt;script&gt;"), "the column label too");
    // every attribute value ends where it should: no quote from the text closes it early
    Matcher titles = Pattern.compile("title=\"([^\"]*)\"").matcher(html);
    while (titles.find()) {
      assertFalse(titles.group(1).contains("<"), titles.group(1));
    }
    String row =
        md.lines()
            .filter(l -> l.startsWith("| ⏱️"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(md));
    assertEquals(6, unescapedPipes(row), "a | in the text must not add table columns: " + row);
    assertFalse(row.contains("[link](http"), "no live link from the cell name: " + row);
  }

  @Test
  void linksAreRelativeToThePageAndPercentEncoded() throws IOException {
    Path dir = cells();
    Path plain = cell("x86_64-6.12").writeTo(dir);
    cell("x86_64-6.1").writeTo(dir, "odd name #1?");
    MatrixSummary s = MatrixSummary.read(dir);
    s.writeHtml(tmp.resolve("report/summary.html"));
    s.writeMarkdown(tmp.resolve("report/summary.md"));
    String html = read(tmp.resolve("report/summary.html"));
    String md = read(tmp.resolve("report/summary.md"));
    String folder = "../cells/smoke/" + plain.getFileName() + "/";

    assertTrue(html.contains("href=\"" + folder + "\""), html);
    assertTrue(html.contains("href=\"" + folder + "diff.txt\""), html);
    assertTrue(html.contains("href=\"../cells/smoke/odd%20name%20%231%3F/\""), html);
    assertTrue(md.contains("[folder](" + folder + ")"), md);
    assertTrue(md.contains("[diff](" + folder + "diff.txt)"), md);
    // the link resolves to the cell's real folder
    Path target = tmp.resolve("report").resolve(folder).normalize();
    assertTrue(Files.isRegularFile(target.resolve("cell.json")), target.toString());
  }

  @Test
  void aCellThatKeptAMemoryDumpLinksItsReportAndTheDump() throws IOException {
    Path dir = cells();
    Path dumped = cell("x86_64-6.12").writeTo(dir);
    Files.writeString(dumped.resolve("dump.txt"), "files:\n");
    Files.writeString(dumped.resolve("guest-memory.kdump"), "KDUMP   ");
    Path plain = cell("x86_64-6.1").writeTo(dir);
    MatrixSummary s = MatrixSummary.read(dir);
    s.writeHtml(tmp.resolve("report/summary.html"));
    s.writeMarkdown(tmp.resolve("report/summary.md"));
    String html = read(tmp.resolve("report/summary.html"));
    String md = read(tmp.resolve("report/summary.md"));
    String folder = "../cells/smoke/" + dumped.getFileName() + "/";

    assertTrue(html.contains("href=\"" + folder + "dump.txt\""), html);
    assertTrue(html.contains("href=\"" + folder + "guest-memory.kdump\""), html);
    assertTrue(md.contains("[dump](" + folder + "dump.txt)"), md);
    String other = "../cells/smoke/" + plain.getFileName() + "/";
    assertFalse(html.contains(other + "dump.txt"), html);
    assertFalse(md.contains(other + "dump.txt"), md);
  }

  @Test
  void tooltipCarriesTheMessagesFirstLines() throws IOException {
    Path dir = cells();
    StringBuilder msg = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      msg.append("line ").append(i).append('\n');
    }
    cell("x86_64-6.12").verdict("WRONG_EVENTS").message(msg.toString()).writeTo(dir);
    MatrixSummary.read(dir).writeHtml(tmp.resolve("s.html"));
    String td = gridRows(read(tmp.resolve("s.html"))).get("x86_64-6.12").get(0);
    Matcher title = Pattern.compile("<div [^>]*title=\"([^\"]*)\"").matcher(td);
    assertTrue(title.find(), td);
    assertTrue(title.group(1).startsWith("WRONG_EVENTS · "), title.group(1));
    assertTrue(title.group(1).contains("line 1\nline 2"), title.group(1));
    assertFalse(title.group(1).contains("line 9"), "only the first lines: " + title.group(1));
  }

  @Test
  void problemSectionShowsTheHeadAndTheNewestConsoleLines() throws IOException {
    Path dir = cells();
    StringBuilder msg = new StringBuilder("timed out waiting for GUEST_PANICKED\nconsole tail:\n");
    for (int i = 1; i <= 60; i++) {
      msg.append("  [ ").append(i).append("] console line\n");
    }
    cell("x86_64-6.12").verdict("TIMEOUT").message(msg.toString()).writeTo(dir);
    cell("x86_64-6.1").writeTo(dir);
    MatrixSummary.read(dir).writeHtml(tmp.resolve("s.html"));
    String html = read(tmp.resolve("s.html"));
    assertTrue(html.contains("Cells that did not pass (1)"), html);
    assertTrue(html.contains("timed out waiting for GUEST_PANICKED"), html);
    assertTrue(html.contains("[ 60] console line"), "the newest line is shown");
    assertFalse(html.contains("[ 30] console line"), "the middle is left out");
  }

  @Test
  void eachQemuBuildGetsItsOwnGridOldestVersionFirstWithTheSameColumns() throws IOException {
    Path dir = cells();
    cell("x86_64-6.12").qemu("7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)").writeTo(dir);
    cell("x86_64-6.12")
        .with("qemu", "debian:sid")
        .qemu("11.1.3 (Debian 1:11.1.3+ds-1)")
        .verdict("WRONG_EVENTS")
        .writeTo(dir);
    cell("x86_64-6.12")
        .with("qemu", "debian:bullseye")
        .with("device", "isa")
        .qemu("5.2.0 (Debian 1:5.2+dfsg-11+deb11u3)")
        .writeTo(dir);
    cell("x86_64-6.12")
        .with("qemu", "container:nosuch")
        .verdict("NOT_APPLICABLE")
        .qemu("")
        .writeTo(dir);
    MatrixSummary s = MatrixSummary.read(dir);

    List<MatrixSummary.QemuGrid> grids = s.qemuGrids();
    assertEquals(
        List.of("debian:bullseye", "host", "debian:sid", "container:nosuch"),
        grids.stream().map(MatrixSummary.QemuGrid::build).toList(),
        "5.2 < 7.2 < 11.1 by number, not text; a build no cell reached last");
    assertEquals("QEMU 11.1.3 (Debian 1:11.1.3+ds-1) · debian:sid", grids.get(2).title());
    assertEquals(
        "QEMU version unknown (no cell reached it) · container:nosuch", grids.get(3).title());
    assertEquals(
        List.of("pci · no-kdump"),
        grids.get(1).cells().scenarioLabels(),
        "the QEMU build is the grid, not a column");

    s.writeHtml(tmp.resolve("g.html"));
    String html = read(tmp.resolve("g.html"));
    int bullseye = html.indexOf("id=\"qemu-debian:bullseye\"");
    int host = html.indexOf("id=\"qemu-host\"");
    int sid = html.indexOf("id=\"qemu-debian:sid\"");
    assertTrue(0 < bullseye && bullseye < host && host < sid, html);
    assertEquals(4, html.split("<table class=\"grid\">", -1).length - 1, "one table per build");
    assertTrue(html.contains("1 cell: 1 WRONG_EVENTS"), html);
    assertTrue(html.contains("<meta name=\"pvh-page-size\" content=\"1400,"), html);
    for (int i = 0; i < 20; i++) {
      cell("x86_64-6.12")
          .with("events", String.valueOf(i % 8))
          .with("kernel_args", "x" + i)
          .writeTo(dir);
    }
    String[] size = HtmlPage.pageSize(MatrixSummary.read(dir)).split(",");
    assertTrue(
        Integer.parseInt(size[0]) >= 20 * 100 && Integer.parseInt(size[1]) > 900,
        "a window that holds 20 columns and 4 grids: " + String.join(",", size));

    s.writeMarkdown(tmp.resolve("g.md"));
    String md = read(tmp.resolve("g.md"));
    assertTrue(
        md.contains(
            "  - QEMU 5.2.0 (Debian 1:5.2+dfsg-11+deb11u3) · debian:bullseye: 1 cell: 1 PASS"),
        md);
  }

  @Test
  void eachBuildSaysHowItsQemusRanAndWarnsWhenOneWasNotConfined() throws IOException {
    Path dir = cells();
    String args =
        "-sandbox on,obsolete=deny,elevateprivileges=allow,spawn=deny,resourcecontrol=deny"
            + " -runas 65534:65534";
    cell("x86_64-6.12")
        .confinement(
            new CellRecord.Confinement(
                args, "nobody", 65534, 65534, 2, true, "0", List.of(), List.of()))
        .writeTo(dir);
    cell("x86_64-6.12")
        .with("qemu", "debian:sid")
        .qemu("10.2.50")
        .confinement(
            new CellRecord.Confinement(
                "-runas 65534:65534",
                "nobody",
                65534,
                65534,
                0,
                false,
                "0",
                List.of(),
                List.of("QEMU build debian:sid was built without seccomp")))
        .writeTo(dir);
    MatrixSummary s = MatrixSummary.read(dir);

    s.writeHtml(tmp.resolve("c.html"));
    String html = read(tmp.resolve("c.html"));
    assertTrue(html.contains("confined: uid 65534, seccomp 2 (" + args + ")"), html);
    assertTrue(
        html.contains(
            "not confined as intended: QEMU build debian:sid was built without" + " seccomp"),
        html);
    s.writeMarkdown(tmp.resolve("c.md"));
    String md = read(tmp.resolve("c.md"));
    assertTrue(md.contains("    - confined: uid 65534, seccomp 2"), md);
    assertTrue(md.contains("⚠ not confined as intended: QEMU build debian:sid"), md);
  }

  @Test
  void headerShowsQemuVersionsAndTimes() throws IOException {
    Path dir = cells();
    cell("x86_64-6.12").seconds(10).qemu("7.2.22").writeTo(dir);
    cell("x86_64-6.1").seconds(20).qemu("9.2.0").writeTo(dir);
    cell("x86_64-5.10").verdict("INFRASTRUCTURE_ERROR").seconds(0.5).qemu("").writeTo(dir);
    cell("x86_64-7.x").verdict("NOT_APPLICABLE").seconds(0).qemu("unknown").writeTo(dir);
    MatrixSummary s = MatrixSummary.read(dir);

    assertEquals(List.of("7.2.22", "9.2.0"), List.copyOf(s.qemuVersions()));
    assertEquals(Duration.ofMillis(30_500), s.cellTimeSum());
    assertEquals(Duration.ofSeconds(20), s.cellTimeMax());
    s.writeHtml(tmp.resolve("a.html"));
    String html = read(tmp.resolve("a.html"));
    assertTrue(html.contains("<dd>7.2.22<br>9.2.0</dd>"), html);
    assertTrue(html.contains("sum 30.5 s · longest 20.0 s"), html);
    assertFalse(html.contains("wall time"), "no wall time unless known");

    s.withWallTime(Duration.ofSeconds(75)).writeHtml(tmp.resolve("b.html"));
    assertTrue(read(tmp.resolve("b.html")).contains("<dt>wall time</dt><dd>1 min 15 s</dd>"));
  }

  @Test
  void pageIsSelfContained() throws IOException {
    Path dir = cells();
    cell("x86_64-6.12").writeTo(dir);
    MatrixSummary.read(dir).writeHtml(tmp.resolve("s.html"));
    String html = read(tmp.resolve("s.html"));
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<style>"));
    assertFalse(html.contains("<script"), "no JavaScript");
    assertFalse(html.contains("<link"), "no external stylesheet");
    assertFalse(html.contains("src="), "no external images or scripts");
    assertFalse(html.contains("url("), "no assets pulled in from CSS");
    assertFalse(Pattern.compile("href=\"[a-z]+:").matcher(html).find(), "no absolute links");
  }

  @Test
  void emptyMatrixStillWritesBothPages() throws IOException {
    Path dir = cells();
    MatrixSummary s = MatrixSummary.read(dir);
    assertEquals(List.of(), s.cells());
    assertTrue(s.counts().values().stream().allMatch(n -> n == 0));
    assertEquals(List.of(), s.recipes());
    assertEquals(Duration.ZERO, s.cellTimeMax());

    s.writeHtml(tmp.resolve("e/summary.html"));
    s.writeMarkdown(tmp.resolve("e/summary.md"));
    String html = read(tmp.resolve("e/summary.html"));
    assertTrue(html.contains("No cells"), html);
    assertFalse(html.contains("<table"), html);
    assertTrue(html.trim().endsWith("</html>"));
    String md = read(tmp.resolve("e/summary.md"));
    assertTrue(md.contains("**0 cells**"), md);
    assertTrue(md.contains("No cells"), md);
  }

  @Test
  void markdownListsProblemsFirstWithTheirGist() throws IOException {
    Path dir = cells();
    cell("x86_64-5.10").writeTo(dir);
    cell("x86_64-6.12")
        .verdict("WRONG_EVENTS")
        .message(
            "the QMP events differ from what the rules predict:\n"
                + "  expected                         actual\n"
                + "- GUEST_CRASHLOADED {action: run}  (missing)\n"
                + "+ (unexpected)                     GUEST_PANICKED {action: run}\n"
                + "= final: status running\n")
        .diff("-", "event", "GUEST_CRASHLOADED {action: run}", "(missing)")
        .diff("+", "event", "(unexpected)", "GUEST_PANICKED {action: run}")
        .diff("=", "final", "status running", "status running")
        .writeTo(dir);
    cell("aarch64-6.12").verdict("NOT_APPLICABLE").message("no pvpanic driver\n").writeTo(dir);
    MatrixSummary.read(dir).writeMarkdown(tmp.resolve("s.md"));
    List<String> rows =
        read(tmp.resolve("s.md"))
            .lines()
            .filter(l -> l.startsWith("| ") && !l.startsWith("| verdict"))
            .toList();

    assertEquals(3, rows.size(), rows.toString());
    assertTrue(rows.get(0).startsWith("| ❌ WRONG_EVENTS | 10.0 s |"), rows.get(0));
    assertTrue(
        rows.get(0)
            .endsWith(
                "| - GUEST\\_CRASHLOADED {action: run}  (missing); + (unexpected)  GUEST\\_PANICKED"
                    + " {action: run} |"),
        rows.get(0));
    assertTrue(rows.get(1).startsWith("| ✅ PASS"), rows.get(1));
    assertTrue(rows.get(2).startsWith("| ➖ NOT_APPLICABLE"), rows.get(2));
    assertTrue(rows.get(2).endsWith("| no pvpanic driver |"), rows.get(2));
  }

  @Test
  void unreadableInputsAreNamed() throws IOException {
    Path missing = tmp.resolve("no-such-run");
    ReportException e = assertThrows(ReportException.class, () -> MatrixSummary.read(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

    Path dir = cells();
    Path folder = cell("x86_64-6.12").writeTo(dir);
    Path json = folder.resolve("cell.json");
    Files.writeString(json, Files.readString(json).replace("\"PASS\"", "\"GREEN\""));
    e = assertThrows(ReportException.class, () -> MatrixSummary.read(dir));
    assertTrue(e.getMessage().contains(folder.resolve("cell.json").toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("'GREEN' is not one of PASS, WRONG_GUEST_STATE, WRONG_EVENTS"),
        e.getMessage());

    Files.writeString(folder.resolve("cell.json"), "{\"verdict\": \"PASS\"");
    e = assertThrows(ReportException.class, () -> MatrixSummary.read(dir));
    assertTrue(e.getMessage().contains("is not readable JSON"), e.getMessage());
  }

  @Test
  void whatTheRunnerWritesTheReportReads() throws IOException {
    // the runner's own writer (CellRun via CellRunner.notRun), read back by the report
    Cell cell =
        new Cell(
            Optional.of("seed-kdump-notifiers"),
            Map.of(
                Axis.RECIPE, "x86_64-6.12",
                Axis.KDUMP, "yes",
                Axis.POST_NOTIFIERS, "cmdline",
                Axis.PANIC, "none"));
    Path folder = cells().resolve(cell.id());
    CellResult written = CellRunner.notRun(cell, Verdict.NOT_APPLICABLE, "no driver\n", folder);

    CellSummary c = CellSummary.read(folder.resolve("cell.json"));
    assertEquals(cell.id(), c.id());
    assertEquals(cell.displayName(), c.name());
    assertEquals(cell.parameters(), c.parameters());
    assertEquals(written.verdict(), c.verdict());
    assertEquals(written.message(), c.message());
    assertEquals("pci · kdump+cmdline · panic=none", c.scenario().label());
    assertEquals("x86_64", c.recipe().arch());
    assertEquals("6.12", c.recipe().kernel());
    assertEquals(folder.toAbsolutePath(), c.folder());
    assertEquals(
        Optional.of("seed-kdump-notifiers"),
        CellRecord.read(folder.resolve("cell.json")).nameInConfig());
  }

  @Test
  void caughtRegressionsAreScoredAndShownAsCaught() throws IOException {
    Path dir = cells();
    cell("x86_64-6.12")
        .with("kernel_args", "module_blacklist=pvpanic_pci")
        .verdict("WRONG_GUEST_STATE")
        .regression("no driver", "wrong-guest-state")
        .writeTo(dir);
    cell("x86_64-6.12")
        .with("qemu_args", "-no-shutdown")
        .verdict("PASS")
        .regression("a stray -no-shutdown", "wrong-events")
        .writeTo(dir);
    MatrixSummary s = MatrixSummary.read(dir);
    assertEquals(Optional.of(new MatrixSummary.RegressionScore(2, 1)), s.regressionScore());
    s.writeHtml(tmp.resolve("r.html"));
    String html = read(tmp.resolve("r.html"));
    assertTrue(html.contains("1/2 injected regressions caught"), html);
    assertTrue(html.contains("class=\"c caught\""), html);
    assertTrue(html.contains("class=\"c fail\"") && html.contains("PASS ✗ MISSED"), html);
  }

  private static int unescapedPipes(String row) {
    int n = 0;
    for (int i = 0; i < row.length(); i++) {
      if (row.charAt(i) == '\\') {
        i++;
      } else if (row.charAt(i) == '|') {
        n++;
      }
    }
    return n;
  }

  /** recipe (from the row header's title) → the row's td elements, in column order. */
  private static Map<String, List<String>> gridRows(String html) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile(
                "<tr><th class=\"recipe\" scope=\"row\" title=\"([^\"]*)\">.*?</th>(.*?)</tr>",
                Pattern.DOTALL)
            .matcher(html);
    while (m.find()) {
      List<String> tds = new ArrayList<>();
      Matcher td = Pattern.compile("<td.*?</td>", Pattern.DOTALL).matcher(m.group(2));
      while (td.find()) {
        tds.add(td.group());
      }
      rows.put(m.group(1), tds);
    }
    return rows;
  }
}
