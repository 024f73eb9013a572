package dev.pvpanic.harness.machine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.model.Container;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * A JVM killed with SIGKILL removes nothing; its containerised QEMU must die anyway (the engine
 * closes the tethered stdin) and the next start must remove its container (owner-label sweep).
 */
class ContainerJvmKilledIT {

  @Test
  void qemuInAContainerDiesWithTheJvmAndTheContainerIsSweptLater() throws Exception {
    String image = QemuImages.containerImage();
    Optional<String> reason =
        new ContainerBackend(image, TestSettings.session().qemuBuilds().engine())
            .unavailableReason();
    Prerequisite.CONTAINER.require(reason.isEmpty(), () -> reason.orElse(""));
    OrphanJvm orphan = OrphanJvm.start("x86_64", image);
    long childPid = orphan.child().pid();
    try {
      assertEquals(List.of("running"), states(childPid), "the child's container runs");
    } finally {
      orphan.kill();
    }
    await("the container of killed JVM " + childPid + " to stop (tethered stdin closed)")
        .atMost(Duration.ofSeconds(20))
        .until(() -> states(childPid).stream().noneMatch(s -> s.equals("running")));
    TestSettings.session().qemuBuilds().engine().sweepStale();
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
