package dev.pvpanic.harness.report;

import dev.pvpanic.harness.SettingException;
import dev.pvpanic.harness.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  static final String USAGE =
      "usage: ReportMain <cellsDir> <outDir> [--wall-time=<seconds>] [--run-id=<id>]"
          + " [--origin=<kcidb origin>] [--artifacts-url=<url of the cells root>]"
          + " [--allure-results=<dir>]";

  /** The flags that stand for a setting, by the setting's property. */
  private static final Map<String, String> SETTING_FLAGS =
      Map.of(
          "--run-id=", "pvh.run-id",
          "--origin=", "pvh.kcidb.origin",
          "--artifacts-url=", "pvh.artifacts-url");

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
    List<String> positional = new ArrayList<>();
    Duration wall = null;
    Map<String, String> flags = new HashMap<>();
    Path allureResults = null;
    for (String a : args) {
      Optional<String> flag = SETTING_FLAGS.keySet().stream().filter(a::startsWith).findFirst();
      if (flag.isPresent()) {
        flags.put(SETTING_FLAGS.get(flag.get()), a.substring(flag.get().length()));
      } else if (a.startsWith("--allure-results=")) {
        allureResults = Path.of(a.substring("--allure-results=".length()));
      } else if (a.startsWith("--wall-time=")) {
        String v = a.substring("--wall-time=".length());
        try {
          wall = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
          err.println("--wall-time takes seconds (e.g. --wall-time=312.5), not '" + v + "'");
          return 2;
        }
      } else if (a.startsWith("--")) {
        err.println("unknown option " + a + "\n" + USAGE);
        return 2;
      } else {
        positional.add(a);
      }
    }
    if (positional.size() != 2) {
      err.println(USAGE);
      return 2;
    }
    Settings settings = base.withProperties(flags);
    try {
      Path cells = Path.of(positional.get(0));
      MatrixSummary summary = MatrixSummary.read(cells);
      KcidbDocument.Submission sub;
      List<RunFacts> runs = RunFacts.readAll(summary.cellsFolder());
      try {
        sub = KcidbDocument.Submission.of(settings, runs);
      } catch (SettingException e) {
        err.println(e.getMessage() + "\n" + USAGE);
        return 2;
      }
      summary = summary.withRunId(sub.runId());
      if (wall != null) {
        summary = summary.withWallTime(wall);
      }
      Path outDir = Path.of(positional.get(1));
      Path html = outDir.resolve("summary.html");
      Path md = outDir.resolve("summary.md");
      Path kcidb = outDir.resolve("kcidb.json");
      Path ktap = outDir.resolve("results.ktap");
      summary.writeHtml(html);
      summary.writeMarkdown(md);
      KcidbDocument.write(summary, sub, kcidb);
      KtapStream.write(summary, ktap);
      Path environment =
          allureResults == null
              ? null
              : AllureEnvironment.write(allureResults, summary, runs, sub.runId());
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
