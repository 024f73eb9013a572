package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The container's entrypoint shell, run here with /bin/sh: it passes QEMU's exit code through and
 * kills QEMU when its stdin ends (what the engine does when the JVM holding it dies).
 */
class ContainerTetherTest {

  private static Process tether(String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", QemuContainer.TETHER, "t"));
    argv.addAll(List.of(command));
    return new ProcessBuilder(argv).redirectErrorStream(true).start();
  }

  @Test
  void passesTheExitCodeThroughWhileStdinStaysOpen() throws Exception {
    Process p = tether("sh", "-c", "sleep 0.2; exit 3");
    try {
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the tether ended with its command");
      assertEquals(3, p.exitValue());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void endOfStdinKillsTheCommand() throws Exception {
    Process p = tether("sleep", "60");
    try {
      assertFalse(p.waitFor(500, TimeUnit.MILLISECONDS), "runs while stdin is open");
      p.getOutputStream().close();
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stdin closed: the command must be killed");
      assertEquals(128 + 9, p.exitValue(), "killed by SIGKILL");
    } finally {
      p.destroyForcibly();
    }
  }
}
