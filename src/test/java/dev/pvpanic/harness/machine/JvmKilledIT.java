package dev.pvpanic.harness.machine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A JVM killed with SIGKILL runs no finally block; its QEMU must die anyway. */
class JvmKilledIT {
  private static final Pattern LINE = Pattern.compile("PVH-ORPHAN qemu=(\\d+) run=(\\S+)");

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void qemuDiesWithTheJvmAndItsRunFolderIsSweptLater(Architecture arch) throws Exception {
    assumeTrue(QemuInstallation.onPath(arch.qemuBinary()), arch.qemuBinary() + " not installed");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    OrphanProbeMain.class.getName(),
                    arch.id()))
            .redirectErrorStream(true)
            .start();
    long qemuPid;
    Path runFolder;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      Matcher m = null;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null) {
        seen.append(line).append('\n');
        m = LINE.matcher(line);
        if (m.find()) {
          break;
        }
      }
      assertNotNull(line, "child JVM ended without starting QEMU:\n" + seen);
      qemuPid = Long.parseLong(m.group(1));
      runFolder = Path.of(m.group(2));
      assertTrue(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false));

      child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
      child.waitFor();
    } finally {
      child.destroyForcibly();
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
