package dev.pvpanic.harness.cell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the evidence of a QEMU death is on this system: for a crash, whether and where a core dump
 * went (the core size limit this JVM hands its children, /proc/sys/kernel/core_pattern); for a
 * SIGKILL, the kernel's OOM-killer line naming it, or the memory cgroup's OOM kill count.
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

  /**
   * The evidence that the OOM killer killed {@code pid}: the kernel's own line naming it ("Out of
   * memory: Killed process 1234 (qemu-system-x86)" or "Memory cgroup out of memory: Killed process
   * ...", mm/oom_kill.c), else this JVM's memory cgroup's OOM kill count when it is not zero.
   */
  static Optional<String> oomKilled(long pid) {
    return kernelLog()
        .flatMap(log -> oomLine(log, pid))
        .map(l -> "the kernel's OOM killer killed it: '" + l + "'")
        .or(DeathEvidence::oomKills);
  }

  /** The kernel log line of the OOM killer that names {@code pid}, if any. */
  static Optional<String> oomLine(String kernelLog, long pid) {
    String needle = "Killed process " + pid + " ";
    return kernelLog
        .lines()
        .filter(l -> l.contains(needle))
        .reduce((a, b) -> b)
        .map(l -> l.replaceFirst("^\\[[^]]*\\]\\s*", "").strip());
  }

  private static Optional<String> kernelLog() {
    try {
      Process p = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return Optional.of(new String(out, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The OOM killer's count for this JVM's memory cgroup, when it has killed: {@code memory.events}
   * on cgroup v2, {@code memory.oom_control} on v1.
   */
  static Optional<String> oomKills() {
    Optional<String> cgroups = read(Path.of("/proc/self/cgroup"));
    Optional<Path> v2 =
        cgroups
            .flatMap(c -> c.lines().filter(l -> l.startsWith("0::")).findFirst())
            .map(l -> Path.of("/sys/fs/cgroup" + l.substring(3)).resolve("memory.events"));
    Optional<Path> v1 =
        cgroups
            .flatMap(c -> c.lines().filter(l -> l.matches("\\d+:memory:.*")).findFirst())
            .map(
                l ->
                    Path.of("/sys/fs/cgroup/memory" + l.substring(l.indexOf(":memory:") + 8))
                        .resolve("memory.oom_control"));
    for (Optional<Path> file : java.util.List.of(v2, v1)) {
      Optional<Long> n =
          file.flatMap(DeathEvidence::read).flatMap(DeathEvidence::oomKillCount).filter(k -> k > 0);
      if (n.isPresent()) {
        return Optional.of(
            "this cgroup's " + file.get().getFileName() + " counts " + n.get() + " OOM kill(s)");
      }
    }
    return Optional.empty();
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
