package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One line per cell on the terminal, so a long run shows where it is. Shared by {@code pvpanic
 * matrix} and the JUnit matrix test (MatrixIT), so both print the same lines.
 */
public final class MatrixProgress implements MatrixRunner.Listener {
  private final int total;
  private final AtomicInteger done = new AtomicInteger();
  private final Instant start = Instant.now();
  private final PrintStream out;

  public MatrixProgress(int total, PrintStream out) {
    this.total = total;
    this.out = out;
  }

  @Override
  public void phase(String line) {
    out.println("  .. " + line);
  }

  @Override
  public void finished(CellResult r) {
    int n = done.incrementAndGet();
    out.printf(
        "[%d/%d %s] %-20s %6.1fs  %s%n",
        n,
        total,
        clock(Duration.between(start, Instant.now())),
        r.verdict(),
        r.total().toMillis() / 1000.0,
        r.cell().displayName());
  }

  @Override
  public void skipped(PlannedCell cell, String reason) {
    skipped(cell.displayName(), reason);
  }

  @Override
  public void broken(PlannedCell cell, String why) {
    broken(cell.displayName(), why);
  }

  public void skipped(String cell, String reason) {
    int n = done.incrementAndGet();
    out.printf("[%d/%d] SKIPPED %s: %s%n", n, total, cell, reason);
  }

  /** A cell the harness could not even start (e.g. its image did not build). */
  public void broken(String cell, String reason) {
    int n = done.incrementAndGet();
    out.printf("[%d/%d] INFRASTRUCTURE_ERROR %s: %s%n", n, total, cell, reason);
  }

  private static String clock(Duration d) {
    return String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
  }
}
