package dev.pvpanic.harness.machine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The QEMUs of a JVM that is gone are found by the run folder their command line names. */
class QemuReaperTest {

  @Test
  void aProcessNamingTheRunFolderOfADeadJvmIsKilledAndOursAreNot() throws Exception {
    // pid 1 runs, but not since second 0xabc: a JVM that is gone (pid reused)
    Process orphan =
        new ProcessBuilder("/bin/sh", "-c", "sleep 30", "/tmp/pvh-1-abc-7/qmp.sock").start();
    Process ours =
        new ProcessBuilder("/bin/sh", "-c", "sleep 30", "/tmp" + QemuReaper.tag() + "7/qmp.sock")
            .start();
    try {
      assertTrue(QemuReaper.sweepOrphans(Path.of("/proc")) >= 1);
      await("the orphan to die").atMost(Duration.ofSeconds(5)).until(() -> !orphan.isAlive());
      assertTrue(ours.isAlive(), "a process of this live JVM is left alone");
    } finally {
      orphan.destroyForcibly();
      ours.destroyForcibly();
    }
  }

  @Test
  void theReaperScriptKillsWhatNamesTheTagOnceItsStdinEnds() throws Exception {
    String tag = "/pvh-" + ProcessHandle.current().pid() + "-test" + System.nanoTime() + "-";
    Process victim = new ProcessBuilder("/bin/sh", "-c", "sleep 30", "/tmp" + tag + "1/x").start();
    ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", QemuReaper.SCRIPT));
    pb.environment().put("PVH_REAP", tag);
    Process reaper = pb.start();
    try {
      Thread.sleep(200);
      assertTrue(victim.isAlive(), "nothing happens while the harness holds the pipe");
      reaper.getOutputStream().close(); // what the kernel does when the JVM dies
      assertEquals(0, reaper.waitFor());
      await("the victim to die").atMost(Duration.ofSeconds(10)).until(() -> !victim.isAlive());
    } finally {
      victim.destroyForcibly();
      reaper.destroyForcibly();
    }
  }
}
