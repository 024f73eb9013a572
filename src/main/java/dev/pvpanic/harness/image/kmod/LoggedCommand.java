package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.DurationText;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command with a time bound, its stdout and stderr together in a log file. A failure
 * (exit code, time out, cannot start) throws with the command and the log's last lines, which is
 * what a person needs to see first.
 */
public record LoggedCommand(List<String> argv, Path workingDir, Map<String, String> environment) {

  static final int TAIL_LINES = 30;

  // Variables a caller's shell may set that would silently change what kbuild builds.
  private static final List<String> KBUILD_ENVIRONMENT =
      List.of(
          "ARCH",
          "CROSS_COMPILE",
          "CC",
          "LLVM",
          "KBUILD_OUTPUT",
          "KBUILD_EXTMOD",
          "KBUILD_EXTRA_SYMBOLS",
          "KCFLAGS",
          "KCPPFLAGS",
          "INSTALL_MOD_PATH",
          "MAKEFLAGS",
          "MFLAGS",
          "MAKELEVEL");

  public LoggedCommand {
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
  }

  /** Runs to completion; returns normally only on exit code 0. */
  public void run(Path log, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(resolvedArgv()).directory(workingDir.toFile());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    KBUILD_ENVIRONMENT.forEach(env::remove);
    env.put("LC_ALL", "C");
    env.putAll(environment);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new ModuleBuildException("cannot start " + String.join(" ", argv) + ": " + e, e);
    }
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new ModuleBuildException("interrupted while running " + String.join(" ", argv), e);
    }
    if (!finished) {
      kill(process);
      throw failure("did not finish within " + DurationText.of(timeout), log);
    }
    if (process.exitValue() != 0) {
      throw failure("failed with exit code " + process.exitValue(), log);
    }
  }

  /**
   * The argv with its program looked up on the PATH given in {@link #environment()}, if any: the
   * JVM would otherwise look it up on its own PATH, not the one the command runs with.
   */
  private List<String> resolvedArgv() {
    String program = argv.get(0);
    String path = environment.get("PATH");
    if (path == null || program.contains("/")) {
      return argv;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        List<String> resolved = new ArrayList<>(argv);
        resolved.set(0, candidate.toString());
        return resolved;
      }
    }
    return argv;
  }

  /** Runs and returns the first line of output (for {@code --version}). */
  String firstLine(Path log, Duration timeout) {
    run(log, timeout);
    List<String> lines = readLines(log);
    return lines.isEmpty() ? "" : lines.get(0).strip();
  }

  private ModuleBuildException failure(String what, Path log) {
    List<String> lines = readLines(log);
    List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    return new ModuleBuildException(
        String.join(" ", argv)
            + "\n  in "
            + workingDir
            + "\n  "
            + what
            + "; last "
            + tail.size()
            + " lines of "
            + log
            + ":\n"
            + String.join("\n", tail));
  }

  private static List<String> readLines(Path log) {
    try {
      // Not Files.readString: it throws on a malformed byte, which a compiler may print.
      String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>(List.of(text.split("\\R")));
      lines.removeIf(String::isBlank);
      return lines;
    } catch (IOException e) {
      return List.of("(log unreadable: " + e + ")");
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
