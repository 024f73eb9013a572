package dev.pvpanic.harness.report;

import dev.pvpanic.harness.cell.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run as KTAP (the kernel's Test Anything Protocol dialect, Documentation/dev-tools/ktap.rst),
 * one test per cell: {@code ok} for PASS, {@code ok ... # SKIP <reason>} for a cell that cannot
 * exist here, {@code not ok} for every other verdict, with the verdict and the head of its message
 * as diagnostic lines. Test names are cell ids (no spaces, no {@code #}).
 *
 * <p>Diagnostics quote the guest console, and the kernel's own KTAP reader
 * (tools/testing/kunit/kunit_parser.py) acts on some text anywhere in a line, a {@code # } comment
 * included: {@code Kernel panic - not syncing: VFS:}, {@code reboot: System halted} and {@code List
 * of all partitions:} end the output there (its {@code KTAP_END}), and {@code # Subtest:} opens a
 * nested test. In every text written here their colon becomes a full-width one, so the quote reads
 * the same and the stream parses to its end.
 */
public final class KtapStream {
  private static final int DIAGNOSTIC_LINES = 8;

  private KtapStream() {}

  public static String of(MatrixSummary summary) {
    List<CellSummary> cells = summary.cells();
    StringBuilder sb = new StringBuilder(256 + 160 * cells.size());
    sb.append("KTAP version 1\n");
    sb.append("# pvpanic matrix ").append(text(summary.configName()));
    summary.runId().ifPresent(id -> sb.append(", run ").append(text(id)));
    sb.append('\n');
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
            .append(text(c.gist(200)))
            .append('\n');
      } else {
        sb.append("# ").append(c.verdict().name()).append(": ").append(text(c.name())).append('\n');
        for (String line : c.messageHead(DIAGNOSTIC_LINES, 1600).split("\n")) {
          if (!line.isBlank()) {
            sb.append("# ").append(text(line)).append('\n');
          }
        }
        sb.append("not ok ").append(n).append(' ').append(name).append('\n');
      }
    }
    return sb.toString();
  }

  /** What kunit_parser.py acts on wherever it is in a line, and what it reads instead. */
  private static final Map<String, String> PARSER_MARKS =
      Map.of(
          "Kernel panic - not syncing: VFS:", "Kernel panic - not syncing: VFS：",
          "reboot: System halted", "reboot： System halted",
          "List of all partitions:", "List of all partitions：",
          "Subtest:", "Subtest：");

  /**
   * Free text as one KTAP line's worth: no line breaks; a {@code #} would start a directive, so it
   * becomes a full-width sign; kunit_parser.py's end and subtest marks lose their colon.
   */
  static String text(String s) {
    String t = s.replace('\n', ' ').replace('\r', ' ').replace("#", "＃").strip();
    for (Map.Entry<String, String> mark : PARSER_MARKS.entrySet()) {
      t = t.replace(mark.getKey(), mark.getValue());
    }
    return t;
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
