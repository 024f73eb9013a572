package dev.pvpanic.harness.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The table a matrix run ends with: every cell with its verdict and time, a count per verdict, then
 * the message of each cell that did not pass (but was not interrupted), so a person sees what broke
 * without opening a file.
 */
final class MatrixTable {
  private static final int MESSAGE_LINES = 30;

  private MatrixTable() {}

  static void print(List<MatrixRow> rows, Duration wall, Path artifacts, PrintStream out) {
    out.println();
    out.printf("%-3s %-20s %7s  %s%n", "#", "verdict", "time", "cell");
    int i = 0;
    for (MatrixRow r : rows) {
      out.printf(
          "%-3d %-20s %7s  %s%n",
          ++i,
          r.outcome(),
          r.outcome().equals("SKIPPED") ? "-" : String.format("%.1fs", r.time().toMillis() / 1e3),
          r.cell().displayName());
    }
    Map<String, Long> counts =
        rows.stream()
            .collect(
                Collectors.groupingBy(MatrixRow::outcome, TreeMap::new, Collectors.counting()));
    out.printf(
        "%d cells: %s; %d:%02d wall clock%n",
        rows.size(),
        counts.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", ")),
        wall.toMinutes(),
        wall.toSecondsPart());
    long injected = rows.stream().filter(r -> r.cell().regression().isPresent()).count();
    if (injected > 0) {
      long caught =
          rows.stream()
              .filter(r -> r.cell().regression().map(g -> g.caughtBy(r.outcome())).orElse(false))
              .count();
      out.printf("%d/%d injected regressions caught%n", caught, injected);
    }
    for (MatrixRow r : rows) {
      // an interrupted cell's message is only that Ctrl-C came: the table and the line that
      // closes the run say it once for all of them
      if (r.failed() && r.status() != ExitStatus.INTERRUPTED) {
        out.println();
        out.println("-- " + r.outcome() + ": " + r.cell().displayName());
        List<String> lines = r.message().lines().toList();
        lines.stream().limit(MESSAGE_LINES).forEach(l -> out.println("   " + l));
        if (lines.size() > MESSAGE_LINES) {
          out.println("   ... (" + (lines.size() - MESSAGE_LINES) + " more lines)");
        }
        r.artifacts().ifPresent(a -> out.println("   artifacts: " + a.toAbsolutePath()));
      }
    }
    out.println("artifacts: " + artifacts.toAbsolutePath());
    out.flush();
  }

  /** The matrix's exit status: its worst cell's. */
  static ExitStatus status(List<MatrixRow> rows) {
    return rows.stream().map(MatrixRow::status).reduce(ExitStatus.PASS, ExitStatus::worse);
  }
}
