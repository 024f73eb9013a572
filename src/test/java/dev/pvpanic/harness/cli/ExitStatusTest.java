package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExitStatusTest {
  private static final Cell CELL = new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12"));

  @Test
  void verdictsMapToTheDocumentedCodes() {
    assertEquals(0, ExitStatus.of(Verdict.PASS).code());
    assertEquals(1, ExitStatus.of(Verdict.WRONG_EVENTS).code());
    assertEquals(1, ExitStatus.of(Verdict.UNEXPECTED_PANIC).code());
    assertEquals(1, ExitStatus.of(Verdict.TIMEOUT).code());
    assertEquals(3, ExitStatus.of(Verdict.INFRASTRUCTURE_ERROR).code());
  }

  private static MatrixRow row(Verdict v) {
    return new MatrixRow(
        CELL, v.name(), ExitStatus.of(v), Duration.ofSeconds(1), "", Optional.empty());
  }

  @Test
  void aMatrixExitsWithItsWorstCell() {
    assertEquals(
        ExitStatus.PASS,
        MatrixTable.status(List.of(row(Verdict.PASS), MatrixRow.skipped(CELL, "no QEMU"))));
    assertEquals(
        ExitStatus.FAIL, MatrixTable.status(List.of(row(Verdict.PASS), row(Verdict.TIMEOUT))));
    assertEquals(
        ExitStatus.INFRASTRUCTURE,
        MatrixTable.status(
            List.of(row(Verdict.WRONG_EVENTS), MatrixRow.broken(CELL, "image", Duration.ZERO))));
    assertEquals(ExitStatus.PASS, MatrixTable.status(List.of()));
  }
}
