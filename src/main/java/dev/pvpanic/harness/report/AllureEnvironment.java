package dev.pvpanic.harness.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Allure report's Environment panel for one run: {@code environment.properties} in the Allure
 * results folder, made from what the run recorded (its {@link RunFacts}: run id, machine, commit,
 * config) and what its cells recorded (the QEMU build and version each ran on, the accelerator
 * used, the kernel release of each recipe's image). Nothing is guessed at report time: the report
 * may be made on another machine than the one that ran the cells.
 */
public final class AllureEnvironment {
  /** The file Allure 2 reads the Environment panel from. */
  public static final String FILE = "environment.properties";

  private AllureEnvironment() {}

  /** The panel's entries, in the order a reader wants them. */
  public static Map<String, String> entries(
      MatrixSummary summary, List<RunFacts> runs, String runId) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("run", runId);
    e.put("config", distinct(runs, RunFacts::config, summary.configName()));
    e.put("harness commit", distinct(runs, RunFacts::commit, "unknown (no run.json)"));
    e.put("host", hosts(runs));
    e.put("java", distinct(runs, RunFacts::java, "unknown (no run.json)"));
    e.put("cells", cellCounts(summary));
    e.put(
        "accelerator", count(summary.cells(), CellSummary::accelerator, "(no cell started QEMU)"));
    Map<String, List<CellSummary>> byBuild = new TreeMap<>();
    for (CellSummary c : summary.cells()) {
      byBuild
          .computeIfAbsent(c.parameters().getOrDefault("qemu", "host"), b -> new ArrayList<>())
          .add(c);
    }
    byBuild.forEach(
        (build, cells) ->
            e.put(
                "QEMU " + build,
                cells.stream()
                    .map(CellSummary::qemuVersion)
                    .filter(AllureEnvironment::known)
                    .distinct()
                    .sorted()
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("(no cell reached it)")));
    Map<String, String> kernels = new TreeMap<>();
    for (CellSummary c : summary.cells()) {
      String recipe = c.parameters().getOrDefault("recipe", "?");
      CellManifest.read(c.folder())
          .kernelRelease()
          .ifPresent(r -> kernels.merge(recipe, r, (a, b) -> a.equals(b) ? a : a + ", " + b));
      kernels.putIfAbsent(recipe, "(no image built)");
    }
    kernels.forEach((recipe, release) -> e.put("kernel " + recipe, release));
    return e;
  }

  /** Writes {@code <resultsDir>/environment.properties}, replacing an earlier one. */
  public static Path write(Path resultsDir, MatrixSummary summary, List<RunFacts> runs, String id) {
    Path file = resultsDir.resolve(FILE);
    try {
      Files.createDirectories(resultsDir);
      Files.write(file, properties(entries(summary, runs, id)));
      return file;
    } catch (IOException e) {
      throw new ReportException("cannot write " + file + ": " + e, e);
    }
  }

  /**
   * The entries as a properties file, in their order: each line as {@link Properties#store} writes
   * it (keys with spaces escaped, anything outside ISO-8859-1 as {@code \\uXXXX}, as Allure reads
   * it back), without its date comment.
   */
  static byte[] properties(Map<String, String> entries) throws IOException {
    StringBuilder sb = new StringBuilder("# the pvpanic matrix run these Allure results are of\n");
    for (Map.Entry<String, String> e : entries.entrySet()) {
      Properties one = new Properties();
      one.setProperty(e.getKey(), e.getValue());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      one.store(out, null);
      out.toString(StandardCharsets.ISO_8859_1)
          .lines()
          .filter(l -> !l.startsWith("#"))
          .forEach(l -> sb.append(l).append('\n'));
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String distinct(
      List<RunFacts> runs, java.util.function.Function<RunFacts, String> f, String none) {
    String v = runs.stream().map(f).distinct().collect(Collectors.joining(", "));
    return v.isEmpty() ? none : v;
  }

  /** Each machine once; with several shards, which shard ran where. */
  private static String hosts(List<RunFacts> runs) {
    if (runs.isEmpty()) {
      return "unknown (no run.json)";
    }
    Map<String, List<String>> shardsByHost = new LinkedHashMap<>();
    for (RunFacts r : runs) {
      shardsByHost
          .computeIfAbsent(r.host() + ", " + r.cores() + " cores", h -> new ArrayList<>())
          .add(r.shard().isEmpty() ? "all cells" : "shard " + r.shard());
    }
    if (shardsByHost.size() == 1) {
      return shardsByHost.keySet().iterator().next();
    }
    return shardsByHost.entrySet().stream()
        .map(h -> h.getKey() + " (" + String.join(", ", h.getValue()) + ")")
        .collect(Collectors.joining("; "));
  }

  private static String cellCounts(MatrixSummary summary) {
    return summary.cells().size()
        + summary.counts().entrySet().stream()
            .filter(c -> c.getValue() > 0)
            .map(c -> c.getValue() + " " + c.getKey().name())
            .collect(Collectors.joining(", ", ": ", ""));
  }

  private static String count(
      List<CellSummary> cells, java.util.function.Function<CellSummary, String> f, String none) {
    Map<String, Integer> n = new TreeMap<>();
    cells.stream()
        .map(f)
        .filter(AllureEnvironment::known)
        .forEach(v -> n.merge(v, 1, Integer::sum));
    return n.isEmpty()
        ? none
        : n.entrySet().stream()
            .map(x -> x.getKey() + " (" + x.getValue() + (x.getValue() == 1 ? " cell)" : " cells)"))
            .collect(Collectors.joining(", "));
  }

  /** A value a cell recorded because it got that far (a cell that never ran says unknown). */
  private static boolean known(String v) {
    return !v.isBlank() && !v.equals("unknown");
  }
}
