package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
  @TempDir Path root;

  @Test
  void isPrivateUniqueAndRemovedWithItsContents() throws IOException {
    RunFolder a = RunFolder.create(root);
    RunFolder b = RunFolder.create(root);
    assertNotEquals(a.path(), b.path());
    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.path())));
    Files.writeString(a.resolve("qmp.sock"), "x");
    a.close();
    a.close();
    assertFalse(Files.exists(a.path()));
    b.close();
  }

  @Test
  void sweepRemovesFoldersOfDeadJvmsButNotOfLiveOnes() throws IOException {
    // pid 2^22+1 is above Linux's pid_max limit, so no process has it.
    Path dead = Files.createDirectory(root.resolve("pvh-4194305-1234-1"));
    Files.writeString(dead.resolve("console.sock"), "x");
    RunFolder mine = RunFolder.create(root); // create() sweeps first
    assertFalse(Files.exists(dead), "folder of a dead JVM must be swept");
    assertTrue(Files.exists(mine.path()), "own folder must survive a sweep");
    assertEquals(0, RunFolder.sweepStale(root));
    assertTrue(Files.exists(mine.path()));
    mine.close();
  }

  @Test
  void sweepRemovesFolderWhosePidWasReused() throws IOException {
    long self = ProcessHandle.current().pid();
    Path reused = Files.createDirectory(root.resolve("pvh-" + self + "-1-7"));
    assertEquals(1, RunFolder.sweepStale(root));
    assertFalse(Files.exists(reused));
  }

  @Test
  void tooLongRootIsRejectedWithAFix() {
    Path deep = root.resolve("x".repeat(120));
    String m =
        assertThrows(IllegalArgumentException.class, () -> RunFolder.create(deep)).getMessage();
    assertTrue(m.contains("PVH_RUN_DIR"), m);
  }
}
