package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pvpanic.harness.matrix.InjectedRegression;
import dev.pvpanic.harness.scenario.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
    Optional<InjectedRegression> regression) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public CellSummary {
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
  }

  /** Reads one cell.json; its folder is the cell's artifact folder. */
  public static CellSummary read(Path cellJson) {
    JsonNode root;
    try {
      root = JSON.readTree(cellJson.toFile());
    } catch (IOException e) {
      throw new ReportException(cellJson + " is not readable JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ReportException(cellJson + " does not hold a JSON object");
    }
    Path folder = cellJson.toAbsolutePath().getParent();
    JsonNode params = root.path("parameters");
    if (!params.isObject()) {
      throw new ReportException(cellJson + " has no \"parameters\" object");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    params.fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
    Map<String, Duration> phases = new LinkedHashMap<>();
    root.path("phases")
        .fields()
        .forEachRemaining(e -> phases.put(e.getKey(), seconds(e.getValue())));
    JsonNode seconds = root.path("seconds");
    String id = root.path("id").asText(folder.getFileName().toString());
    return new CellSummary(
        id,
        root.path("cell").asText(id),
        parameters,
        verdict(root.path("verdict"), cellJson),
        root.path("qemu").asText(""),
        root.path("accelerator").asText(""),
        seconds.isNumber() ? Optional.of(seconds(seconds)) : Optional.empty(),
        phases,
        root.path("message").asText(""),
        folder,
        root.has("regression")
            ? Optional.of(
                new InjectedRegression(
                    root.path("regression").path("what").asText(""),
                    root.path("regression").path("verdict").asText("")))
            : Optional.empty());
  }

  /** Whether the cell injects a regression and got the verdict that catches it. */
  public boolean caught() {
    return regression.map(r -> r.caughtBy(verdict.name())).orElse(false);
  }

  private static Duration seconds(JsonNode n) {
    return Duration.ofMillis(Math.round(n.asDouble() * 1000));
  }

  private static Verdict verdict(JsonNode n, Path file) {
    String v = n.asText("");
    try {
      return Verdict.valueOf(v);
    } catch (IllegalArgumentException e) {
      throw new ReportException(
          file
              + ": verdict '"
              + v
              + "' is not one of "
              + Arrays.stream(Verdict.values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
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
   * One line that says what went wrong: the differing lines of an event diff ({@code -} missing,
   * {@code +} unexpected, {@code !} other data), or else the message's first line.
   */
  String gist(int maxChars) {
    List<String> diff =
        message
            .lines()
            .filter(l -> l.length() > 2 && "-+!".indexOf(l.charAt(0)) >= 0 && l.charAt(1) == ' ')
            .map(l -> l.replaceAll("\\s{2,}", "  ").strip())
            .limit(3)
            .toList();
    String line =
        diff.isEmpty()
            ? message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("")
            : String.join("; ", diff);
    return line.length() <= maxChars ? line : line.substring(0, maxChars - 1) + "…";
  }
}
