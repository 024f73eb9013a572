package dev.pvpanic.harness.faults;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fault campaign's harshest fault: the harness's JVM itself killed with SIGKILL while its cell
 * runs (no finally block, no shutdown hook), then a second run of the same cell started, as a CI
 * job retried on the same machine does. The killed JVM's QEMU must die with it (pdeathsig), the
 * second run must pass, and after it nothing of the first may remain: no QEMU, no run folder, no
 * half-written cache file.
 */
final class JvmKillFault {
  /** Bound for the orphaned QEMU to follow its JVM. */
  private static final Duration QEMU_FOLLOWS = Duration.ofSeconds(15);

  private static final Duration CHILD_BOUND = Duration.ofMinutes(5);

  private JvmKillFault() {}

  /** What became of it: the second run's verdict, what was left, what happened in words. */
  record Outcome(Verdict verdict, List<String> leaks, String detail, boolean delivered) {}

  static Outcome strike(
      Settings settings, PlannedCell p, Path configFile, Duration delay, Path out) {
    String cell = p.cell().name().orElse(p.cell().id());
    Process first = start(settings, configFile, cell, out.resolve("killed"));
    List<Long> qemus = new ArrayList<>();
    boolean delivered = false;
    try {
      Instant until = Instant.now().plus(CHILD_BOUND);
      while (qemus.isEmpty() && first.isAlive() && Instant.now().isBefore(until)) {
        qemus.addAll(Leaks.qemusUnder(first.toHandle()));
        sleep(Duration.ofMillis(20));
      }
      sleep(delay);
      delivered = first.isAlive();
    } finally {
      // SIGKILL: Process.destroyForcibly sends exactly that on Linux
      first.destroyForcibly();
    }
    waitFor(first, Duration.ofSeconds(10));
    long pid = first.pid();
    List<String> leaks = new ArrayList<>();
    Instant qemuDeadline = Instant.now().plus(QEMU_FOLLOWS);
    for (long q : qemus) {
      while (alive(q) && Instant.now().isBefore(qemuDeadline)) {
        sleep(Duration.ofMillis(50));
      }
      if (alive(q)) {
        leaks.add(
            "QEMU pid " + q + " outlived its killed JVM by " + QEMU_FOLLOWS.toSeconds() + " s");
      }
    }
    Process second = start(settings, configFile, cell, out.resolve("second"));
    int code = waitFor(second, CHILD_BOUND);
    leaks.addAll(leftBy(pid, settings));
    Verdict verdict =
        switch (code) {
          case 0 -> Verdict.PASS;
          case 1 -> Verdict.WRONG_EVENTS;
          default -> Verdict.INFRASTRUCTURE_ERROR;
        };
    return new Outcome(
        verdict,
        leaks,
        "JVM pid "
            + pid
            + " killed "
            + delay.toMillis()
            + " ms after its QEMU ("
            + (qemus.isEmpty() ? "none seen" : qemus)
            + ") started; the second run exited "
            + code,
        delivered);
  }

  /** What the JVM {@code pid} left: run folders and cache temp files named with its pid. */
  static List<String> leftBy(long pid, Settings settings) {
    List<String> left = new ArrayList<>();
    for (Path dir :
        List.of(
            settings.runDir(),
            settings.cacheDir().resolve("blobs/sha256"),
            settings.cacheDir().resolve("derived"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.map(f -> f.getFileName().toString())
            .filter(n -> n.startsWith("pvh-" + pid + "-") || n.startsWith(".tmp-" + pid + "-"))
            .forEach(n -> left.add(dir.resolve(n) + " left by the killed JVM"));
      } catch (IOException e) {
        left.add("cannot list " + dir + ": " + e.getMessage());
      }
    }
    return left;
  }

  private static Process start(Settings settings, Path configFile, String cell, Path out) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.pvpanic.harness.cli.Main",
            "run",
            "--config",
            configFile.toAbsolutePath().toString(),
            "--cell",
            cell,
            "--quiet",
            "--out",
            out.toAbsolutePath().toString());
    try {
      Files.createDirectories(out);
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile());
      pb.environment().put("PVH_HOME", settings.home().toString());
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a second harness JVM: " + e, e);
    }
  }

  private static boolean alive(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    return h.isPresent() && h.get().isAlive();
  }

  private static int waitFor(Process p, Duration bound) {
    try {
      if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return -1;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
