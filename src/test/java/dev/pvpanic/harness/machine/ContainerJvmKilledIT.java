package dev.pvpanic.harness.machine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.model.Container;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * A JVM killed with SIGKILL removes nothing; its containerised QEMU must die anyway (the engine
 * closes the tethered stdin) and the next start must remove its container (owner-label sweep).
 */
class ContainerJvmKilledIT {
  private static final Pattern LINE = Pattern.compile("PVH-ORPHAN qemu=(\\d+) run=(\\S+)");

  @Test
  void qemuInAContainerDiesWithTheJvmAndTheContainerIsSweptLater() throws Exception {
    String image = QemuImages.containerImage();
    Optional<String> reason = new ContainerBackend(image).unavailableReason();
    assumeTrue(reason.isEmpty(), () -> "container backend: " + reason.orElse(""));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    OrphanProbeMain.class.getName(),
                    "x86_64",
                    image))
            .redirectErrorStream(true)
            .start();
    long childPid = child.pid();
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
      assertEquals(List.of("running"), states(childPid), "the child's container runs");
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally, no close()
      child.waitFor();
    } finally {
      child.destroyForcibly();
    }
    await("the container of killed JVM " + childPid + " to stop (tethered stdin closed)")
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(childPid).stream().noneMatch(s -> s.equals("running")));
    ContainerBackend.sweepStale();
    assertEquals(List.of(), states(childPid), "the sweep removes containers of dead JVMs");
  }

  /** States of the containers owned by the JVM with {@code pid}, whatever its start time. */
  private static List<String> states(long pid) {
    List<Container> all =
        DockerClientFactory.instance()
            .client()
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(List.of(ContainerBackend.OWNER_LABEL))
            .exec();
    return all.stream()
        .filter(
            c ->
                Optional.ofNullable(c.getLabels())
                    .orElse(Map.of())
                    .getOrDefault(ContainerBackend.OWNER_LABEL, "")
                    .startsWith(pid + "-"))
        .map(Container::getState)
        .toList();
  }
}
