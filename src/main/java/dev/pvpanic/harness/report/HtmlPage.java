package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.Html.escape;

import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The matrix summary as one self-contained HTML page: inline CSS, no scripts, no external assets,
 * so it opens from a CI artifact or a mail attachment as it is.
 */
final class HtmlPage {
  private static final int TITLE_LINES = 8;
  private static final int PROBLEM_HEAD_LINES = 12;
  private static final int PROBLEM_TAIL_LINES = 8;

  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
             margin: 20px 24px; color: #1d232a; background: #fff; }
      h1 { font-size: 22px; margin: 0 0 10px; font-weight: 600; }
      h1 .config { font-family: ui-monospace, "DejaVu Sans Mono", monospace; background: #eef1f4;
                   padding: 1px 8px; border-radius: 4px; }
      h2 { font-size: 16px; margin: 22px 0 8px; }
      h2.qemu { font-size: 15px; margin: 18px 0 4px; font-family: ui-monospace,
                "DejaVu Sans Mono", monospace; }
      h2.qemu .count { font: 400 13px system-ui, sans-serif; color: #5a6570; margin-left: 8px; }
      p.confinement { margin: 0 0 4px; font-size: 12px; color: #5a6570; }
      p.confinement-warning { margin: 0 0 4px; font-size: 13px; color: #8a4b00; background: #fff4e0;
                              padding: 2px 8px; border-radius: 4px; }
      .totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
      .total { padding: 4px 12px; border-radius: 14px; font-size: 13px; border: 1px solid #0002; }
      .total b { font-size: 16px; margin-right: 4px; }
      .total.zero { opacity: .35; }
      .total.all { background: #eef1f4; }
      .facts { display: grid; grid-template-columns: max-content auto; gap: 2px 14px;
               margin: 8px 0; font-size: 13px; }
      .facts dt { color: #5a6570; } .facts dd { margin: 0; }
      .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: #3a444e;
                margin: 10px 0 4px; }
      .legend .sw { display: inline-block; min-width: 46px; text-align: center; padding: 0 4px;
                    border-radius: 3px; font-weight: 600; margin-right: 4px; }
      .legend .sw.empty { background: #eceff2; }
      .key { font-size: 12px; color: #5a6570; margin: 2px 0 12px; }
      table.grid { border-collapse: separate; border-spacing: 3px; font-size: 12px; }
      .grid thead th { position: sticky; top: 0; background: #fff; vertical-align: bottom;
                       font-weight: 600; padding: 4px 4px 6px; border-bottom: 2px solid #c9d1d9;
                       line-height: 1.25; min-width: 74px; }
      .grid thead th span { display: block; white-space: nowrap; }
      .grid thead th span + span { font-weight: 400; color: #3a444e; }
      .grid th.corner { text-align: left; color: #5a6570; font-weight: 400; left: 0; z-index: 2; }
      .grid tr.arch th { text-align: left; font-size: 13px; padding: 10px 4px 2px;
                         border-bottom: 1px solid #c9d1d9; color: #24292f; }
      .grid th.recipe { position: sticky; left: 0; z-index: 1; background: #fff;
                        text-align: left; padding: 0 10px 0 4px; white-space: nowrap;
                        font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
      .grid td { padding: 0; height: 44px; }
      .grid td.empty { background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 4px,
                       #eceff2 4px, #eceff2 8px); border-radius: 4px; }
      .c { display: flex; flex-direction: column; align-items: center; justify-content: center;
           height: 100%; min-height: 44px; border-radius: 4px; border: 1px solid #0001;
           box-sizing: border-box; }
      .c + .c { margin-top: 2px; }
      .c a { color: inherit; text-decoration: none; }
      .c a.v { font-weight: 700; font-size: 12px; letter-spacing: .02em; }
      .c .t { font-variant-numeric: tabular-nums; }
      .c a.d { font-size: 10px; text-decoration: underline; opacity: .75; }
      .pass { background: #cbeccb; color: #14532d; }
      .caught { background: #dbeafe; color: #1e3a8a; }
      .fail { background: #f7c2bd; color: #7f1d1d; }
      .timeout { background: #ffd59e; color: #7a3e00; }
      .infra { background: #dccaf5; color: #44206f; }
      .na { background: #e3e5e8; color: #4b5560; }
      .problems pre { background: #f6f8fa; border: 1px solid #d8dee4; border-radius: 4px;
                      padding: 8px; font-size: 12px; overflow-x: auto; margin: 4px 0 12px; }
      .problems h3 { font-size: 13px; margin: 12px 0 2px; }
      .problems h3 .sw { padding: 1px 6px; border-radius: 3px; margin-right: 6px; }
      .none { color: #5a6570; font-style: italic; }
      """;

  private HtmlPage() {}

  static String render(MatrixSummary summary, Path pageFolder) {
    StringBuilder sb = new StringBuilder(16_384);
    String config = escape(summary.configName());
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"pvh-page-size\" content=\"")
        .append(pageSize(summary))
        .append("\">\n")
        .append("<title>pvpanic matrix · ")
        .append(config)
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    sb.append("<h1>pvpanic matrix <span class=\"config\">").append(config).append("</span></h1>\n");
    totals(sb, summary);
    facts(sb, summary);
    legend(sb);
    grids(sb, summary, pageFolder);
    problems(sb, summary, pageFolder);
    sb.append("</body>\n</html>\n");
    return sb.toString();
  }

  private static void totals(StringBuilder sb, MatrixSummary summary) {
    sb.append("<div class=\"totals\">\n");
    sb.append("<span class=\"total all\"><b>")
        .append(summary.cells().size())
        .append("</b>cells</span>\n");
    for (Map.Entry<Verdict, Integer> e : summary.counts().entrySet()) {
      VerdictStyle s = VerdictStyle.of(e.getKey());
      sb.append("<span class=\"total ")
          .append(s.cssClass())
          .append(e.getValue() == 0 ? " zero" : "")
          .append("\" id=\"total-")
          .append(e.getKey().name())
          .append("\"><b>")
          .append(e.getValue())
          .append("</b>")
          .append(e.getKey().name())
          .append("</span>\n");
    }
    sb.append("</div>\n");
    summary
        .regressionScore()
        .ifPresent(
            r ->
                sb.append("<p class=\"score\" id=\"regression-score\"><b>")
                    .append(r.describe())
                    .append(
                        "</b> (each injected regression must get the verdict it states)</p>\n"));
  }

  private static void facts(StringBuilder sb, MatrixSummary summary) {
    sb.append("<dl class=\"facts\">\n<dt>QEMU</dt><dd>");
    sb.append(
        summary.qemuVersions().isEmpty()
            ? "unknown (no cell reached QEMU)"
            : summary.qemuVersions().stream()
                .map(Html::escape)
                .collect(Collectors.joining("<br>")));
    sb.append("</dd>\n");
    summary
        .runId()
        .ifPresent(
            id -> sb.append("<dt>run</dt><dd id=\"run-id\">").append(escape(id)).append("</dd>\n"));
    summary
        .wallTime()
        .ifPresent(
            w -> sb.append("<dt>wall time</dt><dd>").append(TimeText.of(w)).append("</dd>\n"));
    sb.append("<dt>cell time</dt><dd>sum ")
        .append(TimeText.of(summary.cellTimeSum()))
        .append(" · longest ")
        .append(TimeText.of(summary.cellTimeMax()))
        .append("</dd>\n<dt>cells</dt><dd>")
        .append(escape(summary.cellsFolder().toString()))
        .append("</dd>\n</dl>\n");
  }

  private static void legend(StringBuilder sb) {
    sb.append("<div class=\"legend\">\n");
    for (Verdict v : Verdict.values()) {
      VerdictStyle s = VerdictStyle.of(v);
      sb.append("<span><span class=\"sw ")
          .append(s.cssClass())
          .append("\">")
          .append(escape(s.shortWord()))
          .append("</span>")
          .append(v.name())
          .append(": ")
          .append(escape(s.meaning()))
          .append("</span>\n");
    }
    sb.append("<span><span class=\"sw empty\">&nbsp;</span>")
        .append("no such cell in the matrix</span>\n</div>\n");
    sb.append(
        "<p class=\"key\">Rows: kernel recipe, grouped by architecture. Columns: device ·"
            + " kdump (+cmdline / +runtime: crash_kexec_post_notifiers set on the kernel command"
            + " line / at run time) · QEMU -action values and anything else not at its default."
            + " Each QEMU build has its own grid, headed by its version."
            + " Each cell links to its artifact folder and its diff; hover for the message.</p>\n");
  }

  /**
   * A window size ({@code width,height} in CSS pixels) that holds the whole page, estimated
   * generously from the grids' columns and rows, so a screenshot (ci/screenshot.sh) shows every
   * cell instead of cutting a wide or long matrix off.
   */
  static String pageSize(MatrixSummary summary) {
    int width = 1400;
    int height = 480; // title, totals, facts, legend, key
    for (MatrixSummary.QemuGrid g : summary.qemuGrids()) {
      MatrixSummary cells = g.cells();
      int columns = cells.scenarios().size();
      int rows = cells.recipeRows().size();
      long archs = cells.recipeRows().stream().map(Recipe::arch).distinct().count();
      int stacked =
          cells.cells().stream()
              .collect(Collectors.groupingBy(c -> c.recipe().name() + "|" + c.scenario().label()))
              .values()
              .stream()
              .mapToInt(List::size)
              .max()
              .orElse(1);
      width = Math.max(width, 160 + 112 * columns);
      height += 60 + 100 + (int) archs * 34 + rows * 50 * stacked;
    }
    long bad =
        summary.cells().stream().filter(c -> VerdictStyle.readingRank(c.verdict()) == 0).count();
    height += bad == 0 ? 40 : 60 + (int) bad * 330;
    return width + "," + height;
  }

  /** One grid per QEMU build, each headed by the build and its version, oldest QEMU first. */
  private static void grids(StringBuilder sb, MatrixSummary summary, Path pageFolder) {
    if (summary.cells().isEmpty()) {
      sb.append("<p class=\"none\">No cells: the folder holds no */cell.json.</p>\n");
      return;
    }
    for (MatrixSummary.QemuGrid g : summary.qemuGrids()) {
      sb.append("<h2 class=\"qemu\" id=\"qemu-")
          .append(escape(g.build()))
          .append("\">")
          .append(escape(g.title()))
          .append(" <span class=\"count\">")
          .append(escape(countsText(g.cells())))
          .append("</span></h2>\n");
      for (String c : g.confinements()) {
        sb.append("<p class=\"confinement\">confined: ").append(escape(c)).append("</p>\n");
      }
      for (String w : g.confinementWarnings()) {
        sb.append("<p class=\"confinement-warning\">&#9888; not confined as intended: ")
            .append(escape(w))
            .append("</p>\n");
      }
      grid(sb, g.cells(), pageFolder);
    }
  }

  /** {@code 4 cells: 3 PASS, 1 WRONG_EVENTS}. */
  static String countsText(MatrixSummary cells) {
    int n = cells.cells().size();
    return n
        + (n == 1 ? " cell: " : " cells: ")
        + cells.counts().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getValue() + " " + e.getKey().name())
            .collect(Collectors.joining(", "));
  }

  private static void grid(StringBuilder sb, MatrixSummary summary, Path pageFolder) {
    List<Scenario> columns = summary.scenarios();
    List<Recipe> rows = summary.recipeRows();
    sb.append("<table class=\"grid\">\n<thead><tr><th class=\"corner\">kernel</th>");
    for (Scenario s : columns) {
      sb.append("<th scope=\"col\" title=\"").append(escape(s.fullText())).append("\">");
      for (String part : s.parts()) {
        sb.append("<span>").append(escape(part)).append("</span>");
      }
      sb.append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    String arch = null;
    for (Recipe r : rows) {
      if (!r.arch().equals(arch)) {
        arch = r.arch();
        sb.append("<tr class=\"arch\"><th colspan=\"")
            .append(columns.size() + 1)
            .append("\">")
            .append(escape(arch))
            .append("</th></tr>\n");
      }
      sb.append("<tr><th class=\"recipe\" scope=\"row\" title=\"")
          .append(escape(r.name()))
          .append("\">")
          .append(escape(r.kernel().isEmpty() ? r.name() : r.kernel()))
          .append("</th>");
      for (Scenario s : columns) {
        List<CellSummary> here =
            summary.cells().stream()
                .filter(c -> c.recipe().equals(r) && c.scenario().equals(s))
                .toList();
        if (here.isEmpty()) {
          sb.append("<td class=\"empty\"></td>");
          continue;
        }
        sb.append("<td>");
        here.forEach(c -> cell(sb, c, pageFolder));
        sb.append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</tbody>\n</table>\n");
  }

  private static void cell(StringBuilder sb, CellSummary c, Path pageFolder) {
    VerdictStyle s = VerdictStyle.of(c.verdict());
    // A cell that injects a regression and got the verdict that catches it is the wanted outcome;
    // one that got any other verdict let the regression through.
    boolean caught = c.caught();
    boolean missed = c.regression().isPresent() && !caught;
    sb.append("<div class=\"c ")
        .append(caught ? "caught" : missed ? "fail" : s.cssClass())
        .append("\" id=\"cell-")
        .append(escape(c.id()))
        .append("\" title=\"")
        .append(escape(tooltip(c)))
        .append("\"><a class=\"v\" href=\"")
        .append(escape(RelativeLink.toFolder(pageFolder, c.folder())))
        .append("\">")
        .append(
            escape(
                caught
                    ? s.shortWord() + " ✓ caught"
                    : missed ? s.shortWord() + " ✗ MISSED" : s.shortWord()))
        .append("</a><span class=\"t\">")
        .append(c.time().map(TimeText::of).orElse("–"))
        .append("</span><a class=\"d\" href=\"")
        .append(escape(RelativeLink.toFile(pageFolder, c.folder(), CellArtifacts.DIFF)))
        .append("\">diff</a>");
    // after: dump: the dump check's report (files, SHA-256, how to reopen) and the kept dump
    for (String f : c.dumpFiles()) {
      boolean report = f.equals(CellArtifacts.DUMP_REPORT);
      sb.append("<a class=\"d\" href=\"")
          .append(escape(RelativeLink.toFile(pageFolder, c.folder(), f)))
          .append("\" title=\"")
          .append(
              report
                  ? "the memory dump's check, files and SHA-256"
                  : "the kdump-compressed memory dump, for crash")
          .append("\">")
          .append(report ? "dump" : "vmcore")
          .append("</a>");
    }
    sb.append("</div>");
  }

  private static String tooltip(CellSummary c) {
    StringBuilder t = new StringBuilder();
    t.append(c.verdict().name()).append(" · ").append(c.name());
    c.time().ifPresent(d -> t.append(" · ").append(TimeText.of(d)));
    if (!c.phases().isEmpty()) {
      t.append('\n')
          .append(
              c.phases().entrySet().stream()
                  .map(e -> e.getKey() + " " + TimeText.of(e.getValue()))
                  .collect(Collectors.joining(", ")));
    }
    String head = c.messageHead(TITLE_LINES, 1200);
    if (!head.isEmpty()) {
      t.append("\n\n").append(head);
    }
    return t.toString();
  }

  private static void problems(StringBuilder sb, MatrixSummary summary, Path pageFolder) {
    List<CellSummary> bad =
        summary.cells().stream().filter(c -> VerdictStyle.readingRank(c.verdict()) == 0).toList();
    if (bad.isEmpty()) {
      return;
    }
    sb.append("<section class=\"problems\">\n<h2>Cells that did not pass (")
        .append(bad.size())
        .append(")</h2>\n");
    for (CellSummary c : bad) {
      VerdictStyle s = VerdictStyle.of(c.verdict());
      sb.append("<h3><span class=\"sw ")
          .append(s.cssClass())
          .append("\">")
          .append(c.verdict().name())
          .append("</span><a href=\"")
          .append(escape(RelativeLink.toFolder(pageFolder, c.folder())))
          .append("\">")
          .append(escape(c.name()))
          .append("</a>")
          .append(c.time().map(d -> " · " + TimeText.of(d)).orElse(""))
          .append("</h3>\n<pre>")
          .append(escape(c.messageExcerpt(PROBLEM_HEAD_LINES, PROBLEM_TAIL_LINES)))
          .append("</pre>\n");
    }
    sb.append("</section>\n");
  }
}
