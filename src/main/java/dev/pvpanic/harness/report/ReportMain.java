package dev.pvpanic.harness.report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the matrix summary of one run: {@code <cellsDir> <outDir> [--wall-time=<seconds>]} reads
 * {@code <cellsDir>/*\/cell.json} and writes {@code <outDir>/summary.html}, {@code summary.md},
 * {@code kcidb.json} (KCIDB v5, see {@link KcidbDocument}) and {@code results.ktap} (see {@link
 * KtapStream}). Exit status 0 when written (whatever the verdicts), 1 when the cells could not be
 * read or the files not written, 2 on a usage error.
 */
public final class ReportMain {
  static final String USAGE = "usage: ReportMain <cellsDir> <outDir> [--wall-time=<seconds>]";

  private ReportMain() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> positional = new ArrayList<>();
    Duration wall = null;
    for (String a : args) {
      if (a.startsWith("--wall-time=")) {
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
    try {
      MatrixSummary summary = MatrixSummary.read(Path.of(positional.get(0)));
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
      KcidbDocument.write(summary, kcidb);
      KtapStream.write(summary, ktap);
      out.println(
          summary.configName()
              + ": "
              + summary.cells().size()
              + " cells, "
              + summary.counts().entrySet().stream()
                  .filter(e -> e.getValue() > 0)
                  .map(e -> e.getValue() + " " + e.getKey().name())
                  .collect(Collectors.joining(", ")));
      out.println("summary: " + html.toAbsolutePath());
      out.println("markdown: " + md.toAbsolutePath());
      out.println("kcidb: " + kcidb.toAbsolutePath());
      out.println("ktap: " + ktap.toAbsolutePath());
      return 0;
    } catch (ReportException e) {
      err.println(e.getMessage());
      return 1;
    }
  }
}
