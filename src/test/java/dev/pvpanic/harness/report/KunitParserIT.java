package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * results.ktap read by the kernel's own kunit_parser.py (from the pinned linux-source, see {@link
 * KunitParser}): every cell is a test, also when a cell's message quotes a console line the parser
 * takes for the end of the output or for a subtest.
 */
class KunitParserIT {
  static final String ROOT_FS_PANIC =
      "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)";

  private static Path tools;

  @TempDir Path tmp;

  @BeforeAll
  static void parser() throws Exception {
    Prerequisite.PYTHON3.require(KunitParser.python3(), "python3 --version did not run");
    tools = KunitParser.tools(TestSettings.jvm());
  }

  private MatrixSummary run() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cells/smoke"));
    cell("x86_64-6.12").with("panic", "none").writeTo(dir);
    cell("x86_64-6.12")
        .with("trigger", "watchdog")
        .verdict("UNEXPECTED_PANIC")
        .message(
            "a panic while booting\nconsole tail:\n  [    1.2] "
                + ROOT_FS_PANIC
                + "\n  [    1.3] List of all partitions:\n  [    1.4] reboot: System halted\n"
                + "  # Subtest: not a test")
        .writeTo(dir);
    cell("x86_64-6.1").verdict("TIMEOUT").message("waited 60 s for READY").writeTo(dir);
    cell("x86_64-6.1")
        .with("device", "isa")
        .verdict("NOT_APPLICABLE")
        .message("reboot: System halted (a reason that quotes it)")
        .writeTo(dir);
    cell("aarch64-6.12-bpo").with("kdump", "yes").writeTo(dir);
    return MatrixSummary.read(dir);
  }

  @Test
  void everyCellIsATestEvenWhenItsMessageQuotesARootFsPanic() throws Exception {
    MatrixSummary s = run();
    String ktap = KtapStream.of(s);
    KunitParser p = KunitParser.parse(tools, ktap);
    List<String> names = s.cells().stream().map(c -> c.identity().ktapName()).toList();
    assertEquals(names, p.names(), ktap + "\n" + p);
    assertEquals(5, p.total(), p.toString());
    assertEquals("", p.errors(), p.toString());
    assertEquals(
        ktap.strip().lines().reduce((a, b) -> b).orElseThrow(), p.lastLine(), p.toString());
    assertTrue(ktap.contains("Kernel panic - not syncing: VFS： Unable to mount root fs"), ktap);
  }

  /** The smoke plan's cells, as a run writes them: as many tests, by their KTAP names. */
  @Test
  void theSmokePlansCellsAreAsManyKtapTests() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cells/smoke"));
    for (Cell c :
        GuestConfig.load(
                Path.of("guest-configs/smoke.yaml"),
                ImageRecipes.load(TestSettings.jvm().recipes()).names())
            .cells()) {
      CellJson json = cell(c.recipe()).name(c.displayName()).message(ROOT_FS_PANIC);
      c.parameters().forEach(json::with);
      json.verdict(c.kdump() ? "TIMEOUT" : "PASS").writeTo(dir);
    }
    MatrixSummary s = MatrixSummary.read(dir);
    KunitParser p = KunitParser.parse(tools, KtapStream.of(s));
    int n = dev.pvpanic.harness.matrix.SmokeLines.count();
    assertEquals(n, p.total(), p.toString());
    assertEquals(n, p.names().stream().distinct().count());
    assertEquals("", p.errors());
  }

  /** The check can fail: the quote as it was written before stops kunit_parser there. */
  @Test
  void unneutralisedTheQuoteEndsTheOutputAndSwallowsTheCellsAfterIt() throws Exception {
    String ktap =
        "KTAP version 1\n1..3\nok 1 first\n# TIMEOUT: second\n# "
            + ROOT_FS_PANIC
            + "\nnot ok 2 second\nok 3 third\n";
    KunitParser p = KunitParser.parse(tools, ktap);
    assertEquals(
        List.of("first"),
        p.names().stream().filter(n -> !n.isEmpty()).toList(),
        "the tests after the quote are lost: " + p);
    assertEquals("# TIMEOUT: second", p.lastLine());
    assertTrue(p.errors().contains("missing expected subtest"), p.toString());
    String subtest = "KTAP version 1\n1..2\n# Subtest: inner\nok 1 first\nok 2 second\n";
    assertTrue(
        !KunitParser.parse(tools, subtest).names().equals(List.of("first", "second")),
        "# Subtest: nests the tests after it");
  }
}
