package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMainTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ReportMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void writesBothPagesAndSaysWhere() throws Exception {
    Path cells = Files.createDirectories(tmp.resolve("cells/smoke"));
    cell("x86_64-6.12").writeTo(cells);
    cell("x86_64-6.1").verdict("TIMEOUT").writeTo(cells);
    Path outDir = tmp.resolve("report");

    assertEquals(0, run(cells.toString(), outDir.toString(), "--wall-time=90"));

    assertTrue(Files.readString(outDir.resolve("summary.html")).contains("1 min 30 s"));
    assertTrue(Files.readString(outDir.resolve("summary.md")).contains("**2 cells**"));
    String said = out.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("smoke: 2 cells, 1 PASS, 1 TIMEOUT"), said);
    assertTrue(said.contains(outDir.resolve("summary.html").toAbsolutePath().toString()), said);
  }

  @Test
  void usageErrorsAndMissingCellsAreReported() {
    assertEquals(2, run(tmp.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(ReportMain.USAGE));
    assertEquals(2, run(tmp.toString(), tmp.toString(), "--wall-time=soon"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("not 'soon'"));
    assertEquals(1, run(tmp.resolve("missing").toString(), tmp.resolve("out").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not exist"));
  }
}
