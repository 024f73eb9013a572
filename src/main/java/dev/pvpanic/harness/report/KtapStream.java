package dev.pvpanic.harness.report;

import dev.pvpanic.harness.scenario.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One run as KTAP (the kernel's Test Anything Protocol dialect, Documentation/dev-tools/ktap.rst),
 * one test per cell: {@code ok} for PASS, {@code ok ... # SKIP <reason>} for a cell that cannot
 * exist here, {@code not ok} for every other verdict, with the verdict and the head of its message
 * as diagnostic lines. Test names are cell ids (no spaces, no {@code #}).
 */
public final class KtapStream {
  private static final int DIAGNOSTIC_LINES = 8;

  private KtapStream() {}

  public static String of(MatrixSummary summary) {
    List<CellSummary> cells = summary.cells();
    StringBuilder sb = new StringBuilder(256 + 160 * cells.size());
    sb.append("KTAP version 1\n");
    sb.append("# pvpanic matrix ").append(oneLine(summary.configName())).append('\n');
    sb.append("1..").append(cells.size()).append('\n');
    int n = 0;
    for (CellSummary c : cells) {
      n++;
      String name = c.identity().ktapName();
      if (c.verdict() == Verdict.PASS) {
        sb.append("ok ").append(n).append(' ').append(name).append('\n');
      } else if (c.verdict() == Verdict.NOT_APPLICABLE) {
        sb.append("ok ")
            .append(n)
            .append(' ')
            .append(name)
            .append(" # SKIP ")
            .append(oneLine(c.gist(200)))
            .append('\n');
      } else {
        sb.append("# ")
            .append(c.verdict().name())
            .append(": ")
            .append(oneLine(c.name()))
            .append('\n');
        for (String line : c.messageHead(DIAGNOSTIC_LINES, 1600).split("\n")) {
          if (!line.isBlank()) {
            sb.append("# ").append(oneLine(line)).append('\n');
          }
        }
        sb.append("not ok ").append(n).append(' ').append(name).append('\n');
      }
    }
    return sb.toString();
  }

  /** No line breaks; a {@code #} would start a directive, so it becomes a full-width sign. */
  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ').replace("#", "＃").strip();
  }

  public static void write(MatrixSummary summary, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, of(summary), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ReportException("cannot write " + file.toAbsolutePath() + ": " + e, e);
    }
  }
}
