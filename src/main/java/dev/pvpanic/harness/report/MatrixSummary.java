package dev.pvpanic.harness.report;

import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The matrix at a glance, read from the cell.json files of one run (e.g. {@code
 * target/cells/smoke/}): a grid of recipes × scenarios coloured by verdict, with totals, as one
 * self-contained HTML page or as Markdown for a CI job summary.
 *
 * @param configName the guest config's name (the cells folder's name)
 * @param cellsFolder where the cells' artifact folders are
 * @param cells every cell, in grid order (recipe, then scenario)
 * @param wallTime how long the whole run took, when the caller knows
 * @param runId the run's id (the one KCIDB's ids carry), when the caller knows
 */
public record MatrixSummary(
    String configName,
    Path cellsFolder,
    List<CellSummary> cells,
    Optional<Duration> wallTime,
    Optional<String> runId) {

  private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  static final Comparator<CellSummary> GRID_ORDER =
      Comparator.comparing(CellSummary::recipe)
          .thenComparing(CellSummary::scenario)
          .thenComparing(CellSummary::id);

  public MatrixSummary {
    cells = cells.stream().sorted(GRID_ORDER).toList();
  }

  /** Reads every {@code <cellsDir>/<cell>/cell.json}; folders without one are not cells. */
  public static MatrixSummary read(Path cellsDir) {
    if (!Files.isDirectory(cellsDir)) {
      throw new ReportException(
          "cells folder "
              + cellsDir.toAbsolutePath()
              + " does not exist; expected the folder a matrix run writes, e.g."
              + " target/cells/<config>");
    }
    List<CellSummary> cells;
    try (Stream<Path> children = Files.list(cellsDir)) {
      cells =
          children
              .map(c -> c.resolve(CellArtifacts.CELL_JSON))
              .filter(Files::isRegularFile)
              .sorted()
              .map(CellSummary::read)
              .toList();
    } catch (IOException e) {
      throw new ReportException("cannot list " + cellsDir.toAbsolutePath() + ": " + e, e);
    }
    Path name = cellsDir.toAbsolutePath().normalize().getFileName();
    return new MatrixSummary(
        name == null ? "matrix" : name.toString(),
        cellsDir.toAbsolutePath().normalize(),
        cells,
        Optional.empty(),
        Optional.empty());
  }

  public MatrixSummary withWallTime(Duration wall) {
    return new MatrixSummary(configName, cellsFolder, cells, Optional.of(wall), runId);
  }

  public MatrixSummary withRunId(String id) {
    return new MatrixSummary(configName, cellsFolder, cells, wallTime, Optional.of(id));
  }

  /** How many cells ended with each verdict; every verdict is a key, zero when none did. */
  public Map<Verdict, Integer> counts() {
    Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
    for (Verdict v : Verdict.values()) {
      counts.put(v, 0);
    }
    cells.forEach(c -> counts.merge(c.verdict(), 1, Integer::sum));
    return Collections.unmodifiableMap(counts);
  }

  /**
   * Injected regressions: how many cells inject one, and how many got the verdict that catches it.
   */
  public record RegressionScore(int injected, int caught) {
    public String describe() {
      return caught + "/" + injected + " injected regressions caught";
    }
  }

  /** The regression suite's score; empty when no cell injects a regression. */
  public Optional<RegressionScore> regressionScore() {
    int injected = (int) cells.stream().filter(c -> c.regression().isPresent()).count();
    int caught = (int) cells.stream().filter(CellSummary::caught).count();
    return injected == 0 ? Optional.empty() : Optional.of(new RegressionScore(injected, caught));
  }

  /** The grid rows, grouped by architecture, kernels in version order. */
  public List<String> recipes() {
    return cells.stream().map(CellSummary::recipe).distinct().sorted().map(Recipe::name).toList();
  }

  /** The grid columns' labels, in column order. */
  public List<String> scenarioLabels() {
    return scenarios().stream().map(Scenario::label).toList();
  }

  List<Scenario> scenarios() {
    return cells.stream().map(CellSummary::scenario).distinct().sorted().toList();
  }

  List<Recipe> recipeRows() {
    return cells.stream().map(CellSummary::recipe).distinct().sorted().toList();
  }

  /** The cells at one grid position (normally one; empty where the matrix has no such cell). */
  public List<CellSummary> cellsAt(String recipe, String scenarioLabel) {
    return cells.stream()
        .filter(c -> c.recipe().name().equals(recipe) && c.scenario().label().equals(scenarioLabel))
        .toList();
  }

  /** The distinct QEMU versions the cells ran on (cells that never reached QEMU say nothing). */
  public SortedSet<String> qemuVersions() {
    return cells.stream()
        .map(CellSummary::qemuVersion)
        .filter(v -> !v.isBlank() && !v.equals("unknown"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * One grid's worth of cells: those of one QEMU build (the cells' {@code qemu} parameter, e.g.
   * {@code host} or {@code debian:bullseye}), and the versions they ran on.
   */
  public record QemuGrid(String build, SortedSet<String> versions, MatrixSummary cells) {
    /** The heading a release manager reads: {@code QEMU 5.2.0 (Debian ...) · debian:bullseye}. */
    public String title() {
      String v =
          versions.isEmpty() ? "version unknown (no cell reached it)" : String.join(", ", versions);
      return "QEMU " + v + " · " + build;
    }

    /** How this build's QEMUs ran, each way once (one, unless cells ran as different users). */
    public SortedSet<String> confinements() {
      return cells.cells().stream()
          .map(CellSummary::confinement)
          .filter(c -> !c.isEmpty())
          .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** What left this build's QEMUs less confined than intended, each warning once. */
    public SortedSet<String> confinementWarnings() {
      return cells.cells().stream()
          .flatMap(c -> c.confinementWarnings().stream())
          .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  /** The cells by QEMU build, oldest QEMU version first; builds no cell reached come last. */
  public List<QemuGrid> qemuGrids() {
    Map<String, List<CellSummary>> byBuild =
        cells.stream()
            .collect(
                Collectors.groupingBy(
                    c -> c.parameters().getOrDefault("qemu", "host"),
                    TreeMap::new,
                    Collectors.toList()));
    return byBuild.entrySet().stream()
        .map(
            e -> {
              MatrixSummary part =
                  new MatrixSummary(configName, cellsFolder, e.getValue(), wallTime, runId);
              return new QemuGrid(e.getKey(), part.qemuVersions(), part);
            })
        .sorted(Comparator.comparing((QemuGrid g) -> versionKey(g.versions())))
        .toList();
  }

  /** Sorts by the first version's numbers (5.2.0 before 10.0.2); none sorts last. */
  private static String versionKey(SortedSet<String> versions) {
    if (versions.isEmpty()) {
      return "~";
    }
    Matcher m = VERSION.matcher(versions.first());
    if (!m.find()) {
      return "}" + versions.first();
    }
    return String.format(
        "%05d.%05d.%05d",
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
  }

  public Duration cellTimeSum() {
    return cells.stream()
        .map(c -> c.time().orElse(Duration.ZERO))
        .reduce(Duration.ZERO, Duration::plus);
  }

  public Duration cellTimeMax() {
    return cells.stream()
        .map(c -> c.time().orElse(Duration.ZERO))
        .max(Comparator.naturalOrder())
        .orElse(Duration.ZERO);
  }

  /** Writes the grid as one HTML page; links to cells are relative to the page's folder. */
  public void writeHtml(Path file) {
    write(file, HtmlPage.render(this, folderOf(file)));
  }

  /** Writes totals and a table of cells as Markdown; links are relative to the file's folder. */
  public void writeMarkdown(Path file) {
    write(file, MarkdownPage.render(this, folderOf(file)));
  }

  private static Path folderOf(Path file) {
    return file.toAbsolutePath().normalize().getParent();
  }

  private static void write(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ReportException("cannot write " + file.toAbsolutePath() + ": " + e, e);
    }
  }
}
