package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MatrixTableTest {

  @Test
  void showsEveryCellThenWhatBroke() {
    Cell a = new Cell(Optional.of("a"), Map.of(Axis.RECIPE, "x86_64-6.12"));
    Cell b = new Cell(Optional.of("b"), Map.of(Axis.RECIPE, "x86_64-6.12", Axis.KDUMP, "yes"));
    Cell c = new Cell(Optional.of("c"), Map.of(Axis.RECIPE, "aarch64-6.12"));
    List<MatrixRow> rows =
        List.of(
            new MatrixRow(
                a, "PASS", ExitStatus.PASS, Duration.ofMillis(6400), "", Optional.empty()),
            new MatrixRow(
                b,
                "WRONG_EVENTS",
                ExitStatus.FAIL,
                Duration.ofMillis(11_000),
                "- GUEST_CRASHLOADED {action: run}\n+ (unexpected) GUEST_PANICKED",
                Optional.of(Path.of("/tmp/cells/b"))),
            MatrixRow.skipped(c, "QEMU build 'host' is not installed"));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    MatrixTable.print(
        rows,
        Duration.ofSeconds(75),
        Path.of("/tmp/cells"),
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String t = buf.toString(StandardCharsets.UTF_8);
    assertTrue(t.contains("1   PASS                    6.4s  a: x86_64-6.12"), t);
    assertTrue(t.contains("2   WRONG_EVENTS           11.0s  b: x86_64-6.12"), t);
    assertTrue(t.contains("3   SKIPPED                    -  c: aarch64-6.12"), t);
    assertTrue(t.contains("3 cells: 1 PASS, 1 SKIPPED, 1 WRONG_EVENTS; 1:15 wall clock"), t);
    assertTrue(t.contains("-- WRONG_EVENTS: b: x86_64-6.12"), t);
    assertTrue(t.contains("   - GUEST_CRASHLOADED {action: run}\n"), t);
    assertTrue(t.contains("   artifacts: /tmp/cells/b"), t);
    assertTrue(!t.contains("-- SKIPPED"), "skipped cells are not failures:\n" + t);
  }

  @Test
  void interruptedCellsAreCountedNotEachExplained() {
    Cell a = new Cell(Optional.of("a"), Map.of(Axis.RECIPE, "x86_64-6.12"));
    Cell b = new Cell(Optional.of("b"), Map.of(Axis.RECIPE, "x86_64-6.1"));
    List<MatrixRow> rows =
        List.of(
            new MatrixRow(
                a, "PASS", ExitStatus.PASS, Duration.ofMillis(6400), "", Optional.empty()),
            new MatrixRow(
                b,
                "INTERRUPTED",
                ExitStatus.INTERRUPTED,
                Duration.ZERO,
                "not started: the run was interrupted (Ctrl-C)",
                Optional.of(Path.of("/tmp/cells/b"))));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    MatrixTable.print(
        rows,
        Duration.ofSeconds(30),
        Path.of("/tmp/cells"),
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String t = buf.toString(StandardCharsets.UTF_8);
    assertTrue(t.contains("2 cells: 1 INTERRUPTED, 1 PASS; 0:30 wall clock"), t);
    assertTrue(!t.contains("-- INTERRUPTED"), t);
    assertTrue(!t.contains("not started"), t);
  }
}
