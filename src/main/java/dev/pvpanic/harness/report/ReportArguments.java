package dev.pvpanic.harness.report;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arguments of {@link ReportMain}: the cells folder and the output folder, the run's wall time
 * ({@code --wall-time=<seconds>}), the Allure results folder whose Environment panel is written
 * ({@code --allure-results=<dir>}), and the flags that stand for a setting ({@code --run-id=},
 * {@code --origin=}, {@code --artifacts-url=}), keyed by the setting's property.
 *
 * @param settingFlags property to value, e.g. {@code pvh.run-id} to {@code nightly-17}
 */
record ReportArguments(
    String cellsDir,
    String outDir,
    Optional<Duration> wallTime,
    Map<String, String> settingFlags,
    Optional<Path> allureResults) {

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

  /** Arguments that cannot be read, with the message that says so (exit status 2). */
  static final class UsageError extends Exception {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  static ReportArguments parse(String[] args) throws UsageError {
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
          throw new UsageError(
              "--wall-time takes seconds (e.g. --wall-time=312.5), not '" + v + "'");
        }
      } else if (a.startsWith("--")) {
        throw new UsageError("unknown option " + a + "\n" + USAGE);
      } else {
        positional.add(a);
      }
    }
    if (positional.size() != 2) {
      throw new UsageError(USAGE);
    }
    return new ReportArguments(
        positional.get(0),
        positional.get(1),
        Optional.ofNullable(wall),
        Map.copyOf(flags),
        Optional.ofNullable(allureResults));
  }
}
