package dev.pvpanic.harness.report;

import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.Verdict;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The matrix summary as GitHub-flavoured Markdown, for CI job summaries ($GITHUB_STEP_SUMMARY):
 * totals, then one table row per cell, the cells that did not pass first.
 */
final class MarkdownPage {
  private static final int WHY_CHARS = 160;

  private MarkdownPage() {}

  static String render(MatrixSummary summary, Path pageFolder) {
    StringBuilder sb = new StringBuilder(8192);
    sb.append("## pvpanic matrix: ").append(text(summary.configName())).append("\n\n");
    sb.append("**").append(summary.cells().size()).append(" cells**");
    for (Map.Entry<Verdict, Integer> e : summary.counts().entrySet()) {
      if (e.getValue() > 0) {
        sb.append(" · ")
            .append(VerdictStyle.of(e.getKey()).emoji())
            .append(' ')
            .append(e.getValue())
            .append(' ')
            .append(e.getKey().name());
      }
    }
    sb.append("\n\n");
    summary.regressionScore().ifPresent(r -> sb.append("**").append(r.describe()).append("**\n\n"));
    sb.append("- QEMU builds:\n");
    for (MatrixSummary.QemuGrid g : summary.qemuGrids()) {
      sb.append("  - ")
          .append(text(g.title()))
          .append(": ")
          .append(text(HtmlPage.countsText(g.cells())))
          .append('\n');
      for (String c : g.confinements()) {
        sb.append("    - confined: ").append(text(c)).append('\n');
      }
      for (String w : g.confinementWarnings()) {
        sb.append("    - ⚠ not confined as intended: ").append(text(w)).append('\n');
      }
    }
    summary.runId().ifPresent(id -> sb.append("- run: `").append(id).append("`\n"));
    summary
        .wallTime()
        .ifPresent(w -> sb.append("- wall time: ").append(TimeText.of(w)).append('\n'));
    sb.append("- cell time: sum ")
        .append(TimeText.of(summary.cellTimeSum()))
        .append(", longest ")
        .append(TimeText.of(summary.cellTimeMax()))
        .append("\n\n");
    if (summary.cells().isEmpty()) {
      sb.append("_No cells: the folder holds no `*/cell.json`._\n");
      return sb.toString();
    }
    sb.append("| verdict | time | cell | artifacts | why |\n");
    sb.append("|---|---:|---|---|---|\n");
    List<CellSummary> ordered =
        summary.cells().stream()
            .sorted(
                Comparator.comparingInt((CellSummary c) -> VerdictStyle.readingRank(c.verdict()))
                    .thenComparing(MatrixSummary.GRID_ORDER))
            .toList();
    for (CellSummary c : ordered) {
      sb.append("| ")
          .append(VerdictStyle.of(c.verdict()).emoji())
          .append(' ')
          .append(c.verdict().name())
          .append(" | ")
          .append(c.time().map(TimeText::of).orElse("–"))
          .append(" | ")
          .append(text(c.name()))
          .append(" | [folder](")
          .append(RelativeLink.toFolder(pageFolder, c.folder()))
          .append(") · [diff](")
          .append(RelativeLink.toFile(pageFolder, c.folder(), CellArtifacts.DIFF))
          .append(
              c.dumpFiles().contains(CellArtifacts.DUMP_REPORT)
                  ? ") · [dump]("
                      + RelativeLink.toFile(pageFolder, c.folder(), CellArtifacts.DUMP_REPORT)
                  : "")
          .append(") | ")
          .append(
              VerdictStyle.readingRank(c.verdict()) == 0 || c.verdict() == Verdict.NOT_APPLICABLE
                  ? text(firstLine(c))
                  : "")
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String firstLine(CellSummary c) {
    return c.gist(WHY_CHARS);
  }

  /**
   * Text inside a table cell: HTML markup, Markdown emphasis, links and the cell separator are
   * escaped; line breaks become spaces.
   */
  static String text(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '|' -> sb.append("\\|");
        case '\\', '*', '_', '`', '[', ']', '~' -> sb.append('\\').append(c);
        case '\n', '\r', '\t' -> sb.append(' ');
        default -> {
          if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)) {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
