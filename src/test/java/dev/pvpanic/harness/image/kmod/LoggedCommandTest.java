package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoggedCommandTest {
  @TempDir Path dir;

  @Test
  void aFailureQuotesTheCommandAndTheLast30LinesOfItsOutput() {
    LoggedCommand cmd =
        new LoggedCommand(
            List.of(
                "sh", "-c", "for i in $(seq 1 40); do echo line$i; done; echo oops >&2; exit 3"),
            dir,
            Map.of());

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> cmd.run(dir.resolve("x.log"), Duration.ofSeconds(20)));

    String m = e.getMessage();
    assertTrue(m.startsWith("sh -c for i in"), m);
    assertTrue(m.contains("exit code 3"), m);
    assertTrue(m.contains("last 30 lines"), m);
    assertTrue(m.contains("\nline12\n") && m.endsWith("line40\noops"), m);
    assertFalse(m.contains("\nline11\n"), m);
  }

  @Test
  void aCommandThatRunsTooLongIsKilledAndReported() {
    LoggedCommand cmd =
        new LoggedCommand(List.of("sh", "-c", "echo started; sleep 30"), dir, Map.of());
    long start = System.nanoTime();

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> cmd.run(dir.resolve("x.log"), Duration.ofMillis(300)));

    assertTrue(e.getMessage().contains("did not finish within 300 ms"), e.getMessage());
    assertTrue(e.getMessage().contains(":\nstarted"), e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
  }

  @Test
  void kbuildVariablesOfTheCallersShellDoNotLeakIn() throws IOException {
    Path log = dir.resolve("env.log");
    new LoggedCommand(
            List.of("sh", "-c", "echo \"ARCH=${ARCH-unset} LC_ALL=$LC_ALL X=$X\""),
            dir,
            Map.of("X", "given"))
        .run(log, Duration.ofSeconds(20));

    // ARCH may or may not be set by whoever runs the tests; it must never reach the child.
    assertEquals("ARCH=unset LC_ALL=C X=given", Files.readString(log).strip());
  }

  @Test
  void aMissingProgramIsNamed() {
    LoggedCommand cmd = new LoggedCommand(List.of("/nonexistent/pvh/make"), dir, Map.of());

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class, () -> cmd.run(dir.resolve("x.log"), Duration.ofSeconds(5)));
    assertTrue(e.getMessage().startsWith("cannot start /nonexistent/pvh/make"), e.getMessage());
  }
}
