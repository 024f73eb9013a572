package dev.pvpanic.harness.image.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a program extracted with its own library closure (a Debian QEMU build, a kernel suite's
 * cross toolchain) really runs on that closure alone: its own loader's {@code --list} must find
 * every library inside the closure's folder. A library not found, or one the loader took from the
 * host's folders (which would mix two C libraries in one process), is a problem to name.
 */
public final class LoaderListing {
  private static final Pattern LISTED = Pattern.compile("^\\s*(\\S+) => (not found|\\S+)");
  private static final Duration BOUND = Duration.ofSeconds(20);

  private LoaderListing() {}

  /**
   * The problems of {@code elf} as {@code launcher} (the loader and its {@code --library-path}
   * options) lists it; empty when every library comes from {@code root}.
   */
  public static List<String> problems(List<String> launcher, Path elf, Path root) {
    List<String> argv = new ArrayList<>(launcher);
    argv.add(1, "--list");
    argv.add(elf.toString());
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return List.of("the loader did not list the libraries within " + BOUND.toSeconds() + " s");
      }
      List<String> problems = parseProblems(out, root);
      if (problems.isEmpty() && p.exitValue() != 0) {
        return List.of("the loader exits " + p.exitValue() + ": " + out.strip());
      }
      return problems;
    } catch (IOException e) {
      return List.of("the loader does not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of("interrupted while listing the libraries");
    }
  }

  /** The libraries a loader's {@code --list} shows not found or taken from outside {@code root}. */
  public static List<String> parseProblems(String listing, Path root) {
    Path base = root.toAbsolutePath().normalize();
    List<String> problems = new ArrayList<>();
    for (String line : listing.split("\n")) {
      Matcher m = LISTED.matcher(line);
      if (!m.find()) {
        continue;
      }
      String name = m.group(1);
      String where = m.group(2);
      if (where.equals("not found")) {
        problems.add(name + " (not found)");
      } else if (!Path.of(where).normalize().startsWith(base)) {
        problems.add(name + " (from the host's " + where + ")");
      }
    }
    return problems;
  }
}
