package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.matrix.Cell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One line of the final matrix table: a cell, how it ended (a verdict, or SKIPPED with the reason),
 * how long it took, and what a person reads next.
 *
 * @param outcome a {@link dev.pvpanic.harness.cell.Verdict} name, or {@code SKIPPED}
 * @param message the diff, what a timeout awaited, what broke, or why it was skipped
 */
record MatrixRow(
    Cell cell,
    String outcome,
    ExitStatus status,
    Duration time,
    String message,
    Optional<Path> artifacts) {

  /**
   * A cell's row. A cell that injects a regression passes when it got the verdict that catches the
   * regression, and fails with any other (a PASS means the regression went unnoticed).
   */
  static MatrixRow of(CellResult r) {
    ExitStatus status =
        r.cell()
            .regression()
            .map(g -> g.caughtBy(r.verdict().name()) ? ExitStatus.PASS : ExitStatus.FAIL)
            .orElse(ExitStatus.of(r.verdict()));
    String message =
        r.cell()
            .regression()
            .filter(g -> !g.caughtBy(r.verdict().name()))
            .map(
                g ->
                    "injected regression not caught ("
                        + g.what()
                        + "): expected verdict "
                        + g.verdictName()
                        + ", got "
                        + r.verdict()
                        + "\n"
                        + r.message())
            .orElse(r.message());
    return new MatrixRow(
        r.cell(), r.verdict().name(), status, r.total(), message, Optional.of(r.artifacts()));
  }

  static MatrixRow skipped(Cell cell, String reason) {
    return new MatrixRow(cell, "SKIPPED", ExitStatus.PASS, Duration.ZERO, reason, Optional.empty());
  }

  static MatrixRow broken(Cell cell, String why, Duration time) {
    return new MatrixRow(
        cell, "INFRASTRUCTURE_ERROR", ExitStatus.INFRASTRUCTURE, time, why, Optional.empty());
  }

  boolean failed() {
    return status != ExitStatus.PASS;
  }
}
