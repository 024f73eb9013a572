package dev.pvpanic.harness.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the evidence of a QEMU death is on this system: for a crash, whether and where a core dump
 * went (the core size limit this JVM hands its children, /proc/sys/kernel/core_pattern); for a
 * SIGKILL, whether the memory cgroup's OOM killer has killed something ({@code memory.events}).
 */
final class DeathEvidence {
  private DeathEvidence() {}

  /** Where a crashed QEMU's core is, or why there is none. */
  static String coreDump(long pid) {
    Optional<String> limit = coreLimit(Path.of("/proc/self/limits"));
    if (limit.isPresent() && limit.get().equals("0")) {
      return "no core dump: core files are off for the harness's processes (ulimit -c 0); raise"
          + " it to keep one";
    }
    String pattern = read(Path.of("/proc/sys/kernel/core_pattern")).orElse("").strip();
    if (pattern.startsWith("|")) {
      return "the core went to "
          + pattern.substring(1).split(" ")[0]
          + " (e.g. coredumpctl info "
          + pid
          + ")";
    }
    return pattern.isEmpty()
        ? "core dump location unknown"
        : "a core file named by core_pattern '" + pattern + "' (%p is " + pid + ")";
  }

  /** The soft "Max core file size" of a /proc/&lt;pid&gt;/limits file: a number or unlimited. */
  static Optional<String> coreLimit(Path limits) {
    return read(limits)
        .flatMap(
            text ->
                text.lines()
                    .filter(l -> l.startsWith("Max core file size"))
                    .findFirst()
                    .map(l -> l.substring("Max core file size".length()).trim().split("\\s+")[0]));
  }

  /** The OOM killer's count for this JVM's memory cgroup, when it has killed: evidence to name. */
  static Optional<String> oomKills() {
    return read(Path.of("/proc/self/cgroup"))
        .flatMap(c -> c.lines().filter(l -> l.startsWith("0::")).findFirst())
        .map(l -> Path.of("/sys/fs/cgroup" + l.substring(3)).resolve("memory.events"))
        .flatMap(DeathEvidence::read)
        .flatMap(DeathEvidence::oomKillCount)
        .filter(n -> n > 0)
        .map(n -> "this cgroup's memory.events counts " + n + " OOM kill(s)");
  }

  static Optional<Long> oomKillCount(String memoryEvents) {
    return memoryEvents
        .lines()
        .filter(l -> l.startsWith("oom_kill "))
        .findFirst()
        .map(l -> Long.parseLong(l.substring("oom_kill ".length()).trim()));
  }

  private static Optional<String> read(Path p) {
    try {
      return Optional.of(Files.readString(p));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
