package dev.pvpanic.harness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.io.TempDir;

/** The leak check every test class gets: it sees a QEMU-named child and a run folder. */
class NoLeaksTest {

  @Test
  void itIsRegisteredForEveryTestClass() throws Exception {
    boolean listed =
        ServiceLoader.load(Extension.class).stream().anyMatch(p -> p.type() == NoLeaks.class);
    assertTrue(listed, "META-INF/services/org.junit.jupiter.api.extension.Extension lists it");
    Properties junit = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/junit-platform.properties")) {
      junit.load(in);
    }
    assertEquals("true", junit.getProperty("junit.jupiter.extensions.autodetection.enabled"));
  }

  @Test
  void aQemuChildAndARunFolderAreLeaksUntilTheyAreGone(@TempDir Path runDir) throws Exception {
    assertEquals(List.of(), NoLeaks.leaks(runDir));
    Process qemu = new ProcessBuilder("sh", "-c", "sleep 30", "qemu-system-x86_64").start();
    Path folder =
        Files.createDirectory(runDir.resolve("pvh-" + ProcessHandle.current().pid() + "-x"));
    try {
      List<String> leaks = NoLeaks.leaks(runDir);
      assertTrue(leaks.contains("QEMU pid " + qemu.pid() + " still runs"), leaks.toString());
      assertTrue(leaks.contains("run folder " + folder), leaks.toString());
    } finally {
      qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Files.delete(folder);
    }
    assertEquals(List.of(), NoLeaks.leaks(runDir));
  }

  @Test
  void aClassEndingBesideAnotherIsCheckedWithItWhenTheLastOneEnds() throws Exception {
    NoLeaks.Stretch stretch = new NoLeaks.Stretch();
    stretch.start();
    assertEquals(List.of("Alone"), stretch.end("Alone"), "a class alone checks itself");
    stretch.checked();
    stretch.start();
    stretch.start();
    assertEquals(List.of(), stretch.end("First"), "another class still runs");
    stretch.start();
    assertEquals(List.of(), stretch.end("Second"));
    assertEquals(List.of("First", "Second", "Third"), stretch.end("Third"));
    // while that check runs, no class starts
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    Thread next =
        new Thread(
            () -> {
              try {
                stretch.start();
                started.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    next.start();
    assertTrue(!started.await(300, TimeUnit.MILLISECONDS), "waits for the check");
    stretch.checked();
    assertTrue(started.await(10, TimeUnit.SECONDS), "starts once the check is over");
    next.join();
    assertEquals(List.of("Next"), stretch.end("Next"));
  }
}
