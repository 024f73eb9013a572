package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --retry-infra on a real guest: QEMU is killed from outside (SIGKILL) when its first panic begins,
 * an infrastructure error; the cell runs again and passes, and both attempts are kept.
 */
// its guests run several at a time (MatrixRunner): no other class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class RetryInfraIT {
  @TempDir Path tmp;

  @Test
  void anInfrastructureErrorRunsAgainAndBothAttemptsAreKept() throws IOException {
    HarnessSession session = HarnessSession.open(TestSettings.jvm(), Optional.empty(), s -> {});
    Path yaml = tmp.resolve("retry.yaml");
    Files.writeString(
        yaml,
        "name: retry\ncells:\n  - {name: a, recipe: x86_64-6.12, device: pci, panic: none}\n");
    GuestConfig config = session.loadConfig(yaml);
    Path out = tmp.resolve("cells");
    MatrixRun run =
        session
            .matrix(config, Shard.ALL, Optional.of(out), OptionalInt.of(1), false)
            .withRetryInfra(1);
    AtomicBoolean killed = new AtomicBoolean();
    MachineHooks killFirstPanic =
        new MachineHooks() {
          @Override
          public void launched(QemuMachine m) {
            m.console()
                .addLineListener(
                    line -> {
                      if (line.contains("sysrq: Trigger a crash")
                          && killed.compareAndSet(false, true)) {
                        ProcessHandle.of(m.pid()).ifPresent(ProcessHandle::destroyForcibly);
                      }
                    });
          }
        };
    List<MatrixRunner.Outcome> outcomes =
        MatrixRunner.run(
            session,
            run,
            TestSettings.session().cellOptions().withHooks(killFirstPanic),
            MatrixRunner.Listener.phases(System.out));

    CellResult r = outcomes.get(0).result();
    assertEquals(Verdict.PASS, r.verdict(), r.message());
    Path cell = r.artifacts();
    String attempts = Files.readString(cell.resolve("attempts.txt"));
    assertTrue(attempts.startsWith("attempt 1: INFRASTRUCTURE_ERROR"), attempts);
    assertTrue(attempts.contains("attempt 2: PASS (the verdict)"), attempts);
    assertTrue(
        Files.readString(cell.resolve("attempts/1/cell.json")).contains("INFRASTRUCTURE_ERROR"));
    assertTrue(Files.readString(cell.resolve("cell.json")).contains("\"PASS\""));
  }
}
