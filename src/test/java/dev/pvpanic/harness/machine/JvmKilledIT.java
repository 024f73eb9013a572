package dev.pvpanic.harness.machine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.Prerequisite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A JVM killed with SIGKILL runs no finally block; its QEMU must die anyway. Under a root harness
 * that QEMU has dropped to an unprivileged user, which clears the parent-death signal that tethers
 * it: {@link QemuReaper} kills it.
 */
class JvmKilledIT {

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void qemuDiesWithTheJvmAndItsRunFolderIsSweptLater(Architecture arch) throws Exception {
    Prerequisite.qemu(arch).require(QemuInstallation.onPath(arch.qemuBinary()), "not on PATH");
    OrphanJvm orphan = OrphanJvm.start(arch.id());
    long qemuPid = orphan.qemuPid();
    Path runFolder = orphan.runFolder();
    try {
      assertTrue(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false));
      if (ProcessConfinement.self().uid() == 0) {
        assertTrue(
            ProcessConfinement.of(qemuPid).orElseThrow().uid() != 0,
            "QEMU dropped root, so only the reaper can take it down");
      }
    } finally {
      orphan.kill();
    }
    await("QEMU pid " + qemuPid + " to die with its JVM")
        .atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.of(qemuPid).map(h -> !h.isAlive()).orElse(true));
    // A killed JVM cannot clean up its run folder: the next start (of any harness JVM on this
    // machine, maybe a concurrent one that got there first) sweeps it.
    RunFolder.sweepStale(runFolder.getParent());
    assertFalse(Files.exists(runFolder), "stale run folder must be swept: " + runFolder);
  }
}
