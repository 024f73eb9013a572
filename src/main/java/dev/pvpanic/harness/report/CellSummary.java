package dev.pvpanic.harness.report;

import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.CellRecord;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.CellIdentity;
import dev.pvpanic.harness.matrix.GuestConfigException;
import dev.pvpanic.harness.matrix.InjectedRegression;
import dev.pvpanic.harness.oracle.DiffLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One cell as its {@code cell.json} tells it (written by the cell runner next to the cell's other
 * artifacts).
 *
 * @param name the name a person reads, e.g. {@code seed-no-kdump: x86_64-6.12 pci no-kdump ...}
 * @param folder the cell's artifact folder (the one holding cell.json)
 * @param time how long the cell took, when cell.json says
 * @param regression the regression the cell injects, and the verdict that must catch it
 * @param diff the cell's comparison as data (empty when it never got to one)
 * @param dumpFiles the memory dump files in the folder ({@code after: dump}): the dump report, then
 *     the kept dump when it is there; empty for any other cell
 * @param confinement how the cell's QEMU ran, e.g. {@code uid 65534, seccomp 2 (-sandbox ... -runas
 *     65534:65534)}; empty when no QEMU ran
 * @param confinementWarnings what left the cell's QEMU less confined than intended
 */
public record CellSummary(
    String id,
    String name,
    Map<String, String> parameters,
    Verdict verdict,
    String qemuVersion,
    String accelerator,
    Optional<Duration> time,
    Map<String, Duration> phases,
    String message,
    Path folder,
    Optional<InjectedRegression> regression,
    List<DiffLine> diff,
    List<String> dumpFiles,
    String confinement,
    List<String> confinementWarnings) {

  public CellSummary {
    confinementWarnings = List.copyOf(confinementWarnings);
    diff = List.copyOf(diff);
    dumpFiles = List.copyOf(dumpFiles);
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
  }

  /** Reads one cell.json; its folder is the cell's artifact folder. */
  public static CellSummary read(Path cellJson) {
    CellRecord r;
    try {
      r = CellRecord.read(cellJson);
    } catch (IllegalArgumentException e) {
      throw new ReportException(e.getMessage(), e);
    }
    Map<String, Duration> phases = new LinkedHashMap<>();
    r.phases().forEach((k, v) -> phases.put(k, seconds(v)));
    Path folder = cellJson.toAbsolutePath().getParent();
    return new CellSummary(
        r.id(),
        r.cell(),
        r.parameters(),
        r.verdict(),
        r.qemu() == null ? "" : r.qemu(),
        r.accelerator() == null ? "" : r.accelerator(),
        r.secondsTaken().map(CellSummary::seconds),
        phases,
        r.message(),
        folder,
        r.injected().map(g -> new InjectedRegression(g.what(), g.verdict())),
        r.diff(),
        dumpFiles(folder),
        r.confinementRecord()
            .map(
                c ->
                    c.measured()
                        + (c.qemuArgs() == null || c.qemuArgs().isEmpty()
                            ? " (no confinement asked)"
                            : " (" + c.qemuArgs() + ")"))
            .orElse(""),
        r.confinementRecord().map(CellRecord.Confinement::warnings).orElse(List.of()));
  }

  /** The dump report and the kept dump, of those in {@code folder}; none without the report. */
  private static List<String> dumpFiles(Path folder) {
    if (!Files.isRegularFile(folder.resolve(CellArtifacts.DUMP_REPORT))) {
      return List.of();
    }
    return java.util.stream.Stream.of(CellArtifacts.DUMP_REPORT, CellArtifacts.MEMORY_KDUMP)
        .filter(f -> Files.isRegularFile(folder.resolve(f)))
        .toList();
  }

  /**
   * The cell's identity (its config name aside), from its recorded parameters: every name a report
   * gives the cell (KCIDB's test id and path, KTAP's test name) comes from here.
   */
  public CellIdentity identity() {
    try {
      return Cell.ofParameters(Optional.empty(), parameters, folder.toString()).identity();
    } catch (GuestConfigException e) {
      throw new ReportException(folder.resolve(CellArtifacts.CELL_JSON) + ": " + e.getMessage(), e);
    }
  }

  /** Whether the cell injects a regression and got the verdict that catches it. */
  public boolean caught() {
    return regression.map(r -> r.caughtBy(verdict.name())).orElse(false);
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  /** The grid row: the recipe parameter. */
  Recipe recipe() {
    return Recipe.parse(parameters.getOrDefault("recipe", "(no recipe)"));
  }

  /** The grid column: everything but the recipe. */
  Scenario scenario() {
    return new Scenario(parameters);
  }

  /** The message's first lines, for a tooltip or a table: at most {@code lines} lines. */
  String messageHead(int lines, int maxChars) {
    String head =
        message
            .strip()
            .lines()
            .limit(lines)
            .map(String::stripTrailing)
            .collect(Collectors.joining("\n"));
    return head.length() <= maxChars ? head : head.substring(0, maxChars - 1) + "…";
  }

  /**
   * The message's first {@code head} and last {@code tail} lines: a timeout's message starts with
   * what was awaited and ends with the newest console lines, the ones that tell what happened.
   */
  String messageExcerpt(int head, int tail) {
    List<String> lines = message.stripTrailing().lines().toList();
    if (lines.size() <= head + tail + 1) {
      return String.join("\n", lines);
    }
    List<String> out = new ArrayList<>(lines.subList(0, head));
    out.add("  … " + (lines.size() - head - tail) + " more lines in cell.json …");
    out.addAll(lines.subList(lines.size() - tail, lines.size()));
    return String.join("\n", out);
  }

  /**
   * One line that says what went wrong: the differing lines of the comparison ({@code -} missing,
   * {@code +} unexpected, {@code !} other data or a wrong guest fact), or else the message's first
   * line.
   */
  String gist(int maxChars) {
    List<String> wrong =
        diff.stream().filter(DiffLine::differs).map(CellSummary::text).limit(3).toList();
    String line =
        wrong.isEmpty()
            ? message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("")
            : String.join("; ", wrong);
    return line.length() <= maxChars ? line : line.substring(0, maxChars - 1) + "…";
  }

  private static String text(DiffLine d) {
    return d.section().equals("event")
        ? d.mark() + " " + d.expected() + "  " + d.actual()
        : d.mark() + " " + d.section() + ": expected " + d.expected() + ", actual " + d.actual();
  }
}
