package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waiting for ci/qemu-container/prepare.sh started beside the run. */
class ContainerPreparationTest {
  @TempDir Path folder;
  private final List<String> said = new CopyOnWriteArrayList<>();

  private Optional<String> await(Duration limit) {
    return ContainerPreparation.await(folder, limit, said::add);
  }

  @Test
  void aPreparationThatHasEndedWellIsNoProblemAndNothingIsSaid() throws Exception {
    Files.writeString(folder.resolve("status"), "0\n");
    assertEquals(Optional.empty(), await(Duration.ofSeconds(5)));
    assertEquals(List.of(), said);
  }

  @Test
  void theFirstUseWaitsUntilThePreparationEndsAndSaysSo() throws Exception {
    Thread late =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
                Files.writeString(folder.resolve("status"), "0\n");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    late.start();
    long t0 = System.nanoTime();
    assertEquals(Optional.empty(), await(Duration.ofSeconds(10)));
    late.join();
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() >= 400, "it waited");
    assertEquals(2, said.size(), said.toString());
    assertTrue(said.get(0).startsWith("waiting for ci/qemu-container/prepare.sh"), said.get(0));
    assertTrue(said.get(1).contains("ended (exit 0)"), said.get(1));
  }

  @Test
  void aFailedPreparationIsTheEnginesProblemWithTheEndOfItsLog() throws Exception {
    Files.writeString(
        folder.resolve("prepare.log"),
        "ci/docker-engine.sh: starting dockerd\nline two\nline three\n"
            + "E: install arch-test for foreign architecture support\n");
    Files.writeString(folder.resolve("status"), "25\n");
    String problem = await(Duration.ofSeconds(5)).orElseThrow();
    assertTrue(problem.startsWith("ci/qemu-container/prepare.sh failed (exit 25): "), problem);
    assertTrue(
        problem.contains(
            "line two / line three / E: install arch-test for foreign architecture support"),
        problem);
    assertTrue(!problem.contains("starting dockerd"), "only the end of the log: " + problem);
    assertTrue(problem.contains(folder.resolve("prepare.log").toString()), problem);
  }

  @Test
  void aPreparationThatDoesNotEndInTimeIsAProblemNamingItsLog() {
    String problem = await(Duration.ofSeconds(1)).orElseThrow();
    assertTrue(problem.contains("had not ended after 1 s"), problem);
    assertTrue(problem.contains(folder.resolve("prepare.log").toString()), problem);
  }
}
