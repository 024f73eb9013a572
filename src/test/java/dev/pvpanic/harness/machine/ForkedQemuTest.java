package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A QEMU the pid file names is killed only when it is a forked-away qemu-system process. */
class ForkedQemuTest {
  @TempDir Path dir;

  @Test
  void aQemuSystemProcessThePidFileNamesIsKilled() throws Exception {
    Process forked = new ProcessBuilder("/bin/sh", "-c", "sleep 30", "qemu-system-x86_64").start();
    try {
      Path pidFile = Files.writeString(dir.resolve("qemu.pid"), forked.pid() + "\n");
      ForkedQemu.kill(pidFile, forked.pid() + 1, "cell");
      assertTrue(forked.waitFor(10, TimeUnit.SECONDS), "killed");
    } finally {
      forked.destroyForcibly();
    }
  }

  @Test
  void theStartedProcessAndAnythingNotQemuAreLeftAlone() throws Exception {
    Process other = new ProcessBuilder("/bin/sh", "-c", "sleep 30", "not-an-emulator").start();
    try {
      Path pidFile = Files.writeString(dir.resolve("qemu.pid"), Long.toString(other.pid()));
      ForkedQemu.kill(pidFile, -1, "cell");
      Thread.sleep(100);
      assertTrue(other.isAlive(), "not a qemu-system command line");
      Path started = Files.writeString(dir.resolve("started.pid"), Long.toString(other.pid()));
      ForkedQemu.kill(started, other.pid(), "cell");
      assertTrue(other.isAlive(), "the process the harness started is its own to stop");
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void aMissingOrUnreadablePidFileIsNoError() throws Exception {
    ForkedQemu.kill(dir.resolve("absent.pid"), 1, "cell");
    ForkedQemu.kill(Files.writeString(dir.resolve("garbage.pid"), "not a pid"), 1, "cell");
    assertFalse(Files.exists(dir.resolve("absent.pid")));
  }
}
