package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.qmp.QmpDisconnectedException;
import dev.pvpanic.harness.qmp.QmpEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One real QEMU per architecture, no guest kernel: the machine and QMP plumbing end to end. */
class QemuMachineIT {
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);

  private static MachineSpec spec(Architecture arch, String name) {
    assumeTrue(
        QemuInstallation.onPath(arch.qemuBinary()),
        arch.qemuBinary() + " is not installed (ci/test.sh installs it)");
    return MachineSpec.builder(arch).name(name).memoryMb(128).build();
  }

  private static void assertGone(QemuMachine m) {
    assertFalse(ProcessHandle.of(m.pid()).map(ProcessHandle::isAlive).orElse(false), "QEMU alive");
    assertFalse(Files.exists(m.runFolder()), "run folder left: " + m.runFolder());
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void statusStopContResetAndQuit(Architecture arch) {
    QemuMachine m = QemuMachine.launch(spec(arch, "basic-" + arch));
    try (m) {
      assertEquals(Accelerator.TCG, m.accelerator().used());
      JsonNode status = m.qmp().execute("query-status");
      assertEquals("running", status.path("status").asText(), status.toString());
      assertTrue(status.path("running").asBoolean());
      assertTrue(
          m.qmp().version().atLeast(5, 0), "QEMU version from greeting: " + m.qmp().version());

      int from = m.qmp().events().size();
      m.qmp().execute("stop");
      m.qmp().events().await(e -> e.name().equals("STOP"), "STOP", from, EVENT_TIMEOUT);
      assertEquals("paused", m.qmp().execute("query-status").path("status").asText());

      m.qmp().execute("cont");
      m.qmp().events().await(e -> e.name().equals("RESUME"), "RESUME", from, EVENT_TIMEOUT);

      m.qmp().execute("system_reset");
      QmpEvent reset =
          m.qmp().events().await(e -> e.name().equals("RESET"), "RESET", from, EVENT_TIMEOUT);
      assertFalse(reset.data().path("guest").asBoolean(true), reset.toString());
      assertEquals("host-qmp-system-reset", reset.data().path("reason").asText());

      m.qmp().execute("quit");
      assertEquals(0, m.awaitExit(EVENT_TIMEOUT).orElseThrow(), "QEMU exit code after quit");
      QmpEvent shutdown =
          m.qmp().events().await(e -> e.name().equals("SHUTDOWN"), "SHUTDOWN", from, EVENT_TIMEOUT);
      assertEquals("host-qmp-quit", shutdown.data().path("reason").asText());
      assertEquals(
          List.of("STOP", "RESUME", "RESET", "SHUTDOWN"),
          m.qmp().events().snapshot().subList(from, m.qmp().events().size()).stream()
              .map(QmpEvent::name)
              .toList());
    }
    assertGone(m);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void sigkillInTheMiddleOfCommandsGivesAClearErrorAndLeavesNothing(Architecture arch)
      throws Exception {
    QemuMachine m = QemuMachine.launch(spec(arch, "killed-" + arch));
    Throwable failure;
    try (m) {
      // Keep commands in flight so the kill lands in the middle of one.
      CompletableFuture<Throwable> hammer =
          CompletableFuture.supplyAsync(
              () -> {
                while (true) {
                  try {
                    m.qmp().execute("query-status", Map.of(), Duration.ofSeconds(10));
                  } catch (RuntimeException e) {
                    return e;
                  }
                }
              });
      Thread.sleep(300);
      ProcessHandle.of(m.pid()).orElseThrow().destroyForcibly();
      failure = hammer.get(15, TimeUnit.SECONDS);
      assertTrue(m.awaitExit(EVENT_TIMEOUT).isPresent(), "QEMU must be dead");
      assertTrue(m.exitedByItself());
    }
    assertInstanceOf(QmpDisconnectedException.class, failure, String.valueOf(failure));
    assertTrue(failure.getMessage().contains("QEMU closed the monitor"), failure.getMessage());
    assertGone(m);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void fourMachinesAtOnceDoNotCollide(Architecture arch)
      throws InterruptedException, ExecutionException {
    spec(arch, "probe");
    List<CompletableFuture<QemuMachine>> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      MachineSpec s = spec(arch, "four-" + i);
      starts.add(CompletableFuture.supplyAsync(() -> QemuMachine.launch(s)));
    }
    List<QemuMachine> machines = new ArrayList<>();
    try {
      for (CompletableFuture<QemuMachine> f : starts) {
        machines.add(f.get());
      }
      Set<Path> folders = new HashSet<>();
      Set<Long> pids = new HashSet<>();
      for (QemuMachine m : machines) {
        folders.add(m.runFolder());
        pids.add(m.pid());
        m.qmp().execute("stop");
      }
      assertEquals(4, folders.size());
      assertEquals(4, pids.size());
      // each monitor is its own: every machine saw exactly its own STOP and is paused
      for (QemuMachine m : machines) {
        assertEquals(
            List.of("STOP"), m.qmp().events().snapshot().stream().map(QmpEvent::name).toList());
        assertEquals("paused", m.qmp().execute("query-status").path("status").asText());
      }
    } finally {
      for (CompletableFuture<QemuMachine> f : starts) {
        f.thenAccept(QemuMachine::close).exceptionally(t -> null).get();
      }
    }
    machines.forEach(QemuMachineIT::assertGone);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void aBadArgumentFailsTheLaunchWithExitCodeArgvAndStderr(Architecture arch) {
    MachineSpec bad =
        spec(arch, "bad-" + arch).toBuilder()
            .extraArgs(List.of("-device", "no-such-device"))
            .build();
    MachineLaunchException e =
        assertThrows(MachineLaunchException.class, () -> QemuMachine.launch(bad));
    assertTrue(e.exitCode().isPresent(), e.getMessage());
    assertEquals(1, e.exitCode().get());
    assertTrue(e.getMessage().contains("no-such-device"), e.getMessage());
    assertTrue(e.stderr().contains("no-such-device"), e.stderr());
    assertTrue(e.argv().contains("no-such-device"));
  }
}
