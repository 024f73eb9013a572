package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.QemuMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A QEMU that dies of a signal in the middle of a cell, on a real guest: killed from outside
 * (SIGKILL) is an infrastructure error naming the signal, crashed on its own (SIGSEGV, SIGABRT) is
 * QEMU_CRASHED with its stderr; neither is mistaken for wrong events or a timeout.
 */
class QemuDeathIT {
  /** What the trigger types instead of a panic: the hook sends the signal when it shows. */
  private static final String MARK = "pvh-signal-now";

  private static CellResult runWithSignal(String signal) {
    return runWith(signal.toLowerCase(java.util.Locale.ROOT), m -> send(signal, m.pid()));
  }

  /** Runs the seed cell; {@code fault} strikes its machine when the trigger line shows. */
  private static CellResult runWith(String name, java.util.function.Consumer<QemuMachine> fault) {
    SeedCell seed = SeedCell.named("qemu-death-" + name);
    MachineHooks kill =
        new MachineHooks() {
          @Override
          public void launched(QemuMachine m) {
            m.console()
                .addLineListener(
                    line -> {
                      if (line.contains(MARK)) {
                        fault.accept(m);
                      }
                    });
          }
        };
    CellOptions options =
        TestSettings.session()
            .cellOptions()
            .withTrigger("echo " + MARK)
            .withHooks(kill)
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30));
    Path artifacts = TestSettings.jvm().buildDir().resolve("qemu-death-it").resolve(name);
    return TestSettings.session()
        .runner(options)
        .run(seed.planned().cell(), seed.image(), seed.planned().qemu(), artifacts);
  }

  private static void send(String signal, long pid) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void killedFromOutsideIsAnInfrastructureErrorNamingTheSignal() {
    CellResult r = runWithSignal("KILL");
    assertEquals(Verdict.INFRASTRUCTURE_ERROR, r.verdict(), r.message());
    assertTrue(r.message().contains("signal 9 (SIGKILL) from outside"), r.message());
    assertTrue(!r.message().contains("timed out"), r.message());
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aCrashOfQemuItselfIsQemuCrashed() {
    CellResult r = runWithSignal("SEGV");
    assertEquals(Verdict.QEMU_CRASHED, r.verdict(), r.message());
    assertTrue(r.message().contains("(SIGSEGV) on its own"), r.message());
    assertTrue(r.message().contains("QEMU stderr:"), r.message());
    // where its core went, or why there is none (core files off, a core handler, a pattern)
    assertTrue(
        r.message().contains("no core dump: core files are off")
            || r.message().contains("the core went to")
            || r.message().contains("a core file named by core_pattern"),
        r.message());
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aLostMonitorWhileQemuRunsIsAnInfrastructureError() {
    CellResult r = runWith("qmp-lost", m -> m.qmp().close());
    assertEquals(Verdict.INFRASTRUCTURE_ERROR, r.verdict(), r.message());
    assertTrue(r.message().contains("QMP connection was lost while QEMU"), r.message());
  }

  /**
   * A hung QEMU (SIGSTOP from outside) is found by the cell's own bound (30 s here), named as an
   * infrastructure fault, not left to the CI job's timeout nor blamed on the build.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aStoppedQemuIsAnInfrastructureErrorWithinItsBound() {
    java.time.Instant start = java.time.Instant.now();
    CellResult r = runWithSignal("STOP");
    java.time.Duration took = java.time.Duration.between(start, java.time.Instant.now());
    assertEquals(Verdict.INFRASTRUCTURE_ERROR, r.verdict(), r.message());
    assertTrue(r.message().contains("is stopped (process state T"), r.message());
    assertTrue(took.compareTo(java.time.Duration.ofSeconds(120)) < 0, "took " + took);
  }

  /**
   * The OOM killer: QEMU started in a memory cgroup of its own with a 384 MiB limit (booted cold: a
   * restore makes all guest memory resident at once, charged before the move), then the guest fills
   * 512 MiB of its root file system with new pages. The kernel kills QEMU (SIGKILL): an
   * infrastructure error that names the kernel's OOM line for that pid. Needs a cgroup v1 memory
   * controller (this machine's); skipped elsewhere.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void killedByTheOomKillerNamesTheKernelsLine() throws IOException {
    java.util.Optional<Path> own =
        java.nio.file.Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
            .filter(l -> l.matches("\\d+:memory:.*"))
            .map(l -> Path.of("/sys/fs/cgroup/memory" + l.substring(l.indexOf(":memory:") + 8)))
            .filter(java.nio.file.Files::isDirectory)
            .findFirst();
    Prerequisite.CGROUP_V1_MEMORY.require(
        own.isPresent(), "/proc/self/cgroup names no memory group under /sys/fs/cgroup/memory");
    Path group = own.get().resolve("pvh-oom-it-" + ProcessHandle.current().pid());
    java.nio.file.Files.createDirectories(group);
    try {
      java.nio.file.Files.writeString(group.resolve("memory.limit_in_bytes"), "402653184");
      SeedCell seed = SeedCell.named("qemu-death-oom");
      MachineHooks confine =
          new MachineHooks() {
            @Override
            public void launched(QemuMachine m) {
              try {
                java.nio.file.Files.writeString(
                    group.resolve("cgroup.procs"), Long.toString(m.pid()));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          };
      CellOptions options =
          TestSettings.session()
              .cellOptions()
              .withTrigger("dd if=/dev/zero of=/pvh-fill bs=1M count=512")
              .withHooks(confine)
              .withCold(true)
              .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60));
      CellResult r =
          TestSettings.session()
              .runner(options)
              .run(
                  seed.planned().cell(),
                  seed.image(),
                  seed.planned().qemu(),
                  TestSettings.jvm().buildDir().resolve("qemu-death-it").resolve("oom"));
      assertEquals(Verdict.INFRASTRUCTURE_ERROR, r.verdict(), r.message());
      assertTrue(r.message().contains("signal 9 (SIGKILL) from outside"), r.message());
      assertTrue(
          r.message().contains("OOM killer killed it: '")
              && r.message().contains("Killed process "),
          r.message());
    } finally {
      // empty once QEMU is gone; rmdir removes a v1 cgroup
      java.nio.file.Files.deleteIfExists(group);
    }
  }
}
