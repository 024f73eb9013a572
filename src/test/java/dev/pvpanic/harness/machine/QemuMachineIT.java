package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.Prerequisite;
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

/**
 * One real QEMU per architecture, no guest kernel: what only a local QEMU shows (a SIGKILL in the
 * middle of commands, four machines at once). The start/status/stop/cont/reset/quit sequence and a
 * failed launch are the backend contract ({@link QemuBackendContract}, run by {@link
 * LocalProcessBackendIT} and {@link ContainerBackendIT}).
 */
class QemuMachineIT {
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);

  private static MachineSpec spec(Architecture arch, String name) {
    Prerequisite.qemu(arch).require(QemuInstallation.onPath(arch.qemuBinary()), "not on PATH");
    return MachineSpec.builder(arch).name(name).memoryMb(128).build();
  }

  private static void assertGone(QemuMachine m) {
    assertFalse(ProcessHandle.of(m.pid()).map(ProcessHandle::isAlive).orElse(false), "QEMU alive");
    assertFalse(Files.exists(m.runFolder()), "run folder left: " + m.runFolder());
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
}
