package dev.pvpanic.harness.report;

import dev.pvpanic.harness.SettingException;
import dev.pvpanic.harness.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the matrix summary of one run: {@code <cellsDir> <outDir> [--wall-time=<seconds>]
 * [--run-id=<id>] [--origin=<kcidb origin>] [--artifacts-url=<url>]} reads {@code
 * <cellsDir>/*\/cell.json} (and the runs' {@code run*.json}, see {@link RunFacts}) and writes
 * {@code <outDir>/summary.html}, {@code summary.md}, {@code kcidb.json} (KCIDB v5, see {@link
 * KcidbDocument}) and {@code results.ktap} (see {@link KtapStream}), and with {@code
 * --allure-results=<dir>} the Allure Environment panel's {@code <dir>/environment.properties} (see
 * {@link AllureEnvironment}). The flags take precedence over their settings ({@code pvh.run-id},
 * {@code pvh.kcidb.origin}, {@code pvh.artifacts-url}). Exit status 0 when written (whatever the
 * verdicts), 1 when the cells could not be read or the files not written, 2 on a usage error.
 */
public final class ReportMain {
  private ReportMain() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, Settings.system(), out, err);
  }

  static int run(String[] args, Settings base, PrintStream out, PrintStream err) {
    ReportArguments arguments;
    try {
      arguments = ReportArguments.parse(args);
    } catch (ReportArguments.UsageError e) {
      err.println(e.getMessage());
      return 2;
    }
    Settings settings = base.withProperties(arguments.settingFlags());
    try {
      Path cells = Path.of(arguments.cellsDir());
      MatrixSummary summary = MatrixSummary.read(cells);
      KcidbDocument.Submission sub;
      List<RunFacts> runs = RunFacts.readAll(summary.cellsFolder());
      try {
        sub = KcidbDocument.Submission.of(settings, runs);
      } catch (SettingException e) {
        err.println(e.getMessage() + "\n" + ReportArguments.USAGE);
        return 2;
      }
      summary = summary.withRunId(sub.runId());
      if (arguments.wallTime().isPresent()) {
        summary = summary.withWallTime(arguments.wallTime().get());
      }
      Path outDir = Path.of(arguments.outDir());
      Path html = outDir.resolve("summary.html");
      Path md = outDir.resolve("summary.md");
      Path kcidb = outDir.resolve("kcidb.json");
      Path ktap = outDir.resolve("results.ktap");
      summary.writeHtml(html);
      summary.writeMarkdown(md);
      KcidbDocument.write(summary, sub, kcidb);
      KtapStream.write(summary, ktap);
      Path environment =
          arguments.allureResults().isEmpty()
              ? null
              : AllureEnvironment.write(
                  arguments.allureResults().get(), summary, runs, sub.runId());
      out.println(
          summary.configName()
              + ": "
              + summary.cells().size()
              + " cells, "
              + summary.counts().entrySet().stream()
                  .filter(e -> e.getValue() > 0)
                  .map(e -> e.getValue() + " " + e.getKey().name())
                  .collect(Collectors.joining(", ")));
      out.println(
          "run: "
              + sub.runId()
              + (sub.artifactsUrl().isPresent()
                  ? ""
                  : " (no --artifacts-url: kcidb.json carries relative paths, no URLs)"));
      out.println("summary: " + html.toAbsolutePath());
      out.println("markdown: " + md.toAbsolutePath());
      out.println("kcidb: " + kcidb.toAbsolutePath());
      out.println("ktap: " + ktap.toAbsolutePath());
      if (environment != null) {
        out.println("allure environment: " + environment.toAbsolutePath());
      }
      return 0;
    } catch (ReportException e) {
      err.println(e.getMessage());
      return 1;
    }
  }
}
