package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.ContainerEngine;
import dev.pvpanic.harness.machine.LaunchPolicy;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuBuildUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planning a config: its QEMU builds are made ready several at a time, then each cell planned. */
class MatrixPlanTest {
  @TempDir Path tmp;

  @Test
  void theBuildsAConfigNamesAreMadeReadyAtOnceAndAFailingOneIsStillReportedByItsCells()
      throws Exception {
    Path file = tmp.resolve("two-builds.yaml");
    Files.writeString(
        file,
        """
        name: two-builds
        cells:
          - {name: a1, recipe: x86_64-6.12, qemu: "debian:bookworm-backports"}
          - {name: a2, recipe: x86_64-6.12, qemu: "debian:bookworm-backports", kdump: yes}
          - {name: b1, recipe: x86_64-6.12, qemu: "debian:sid"}
          - {name: c1, recipe: aarch64-6.12, qemu: "debian:sid"}
        """);
    ImageRecipes recipes = ImageRecipes.load(TestSettings.checkout().recipes());
    GuestConfig config = GuestConfig.load(file, recipes.names());

    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    BiFunction<String, Architecture, QemuBuild> debian =
        (spec, arch) -> {
          calls.computeIfAbsent(spec + "/" + arch.id(), k -> new AtomicInteger()).incrementAndGet();
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            Thread.sleep(300); // an extraction
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            running.decrementAndGet();
          }
          if (spec.equals("sid") && arch == Architecture.AARCH64) {
            throw new QemuBuildUnavailableException("debian:sid: no arm64 emulator in this test");
          }
          // a binary that is not there: planned as lacking, without running anything
          return new QemuBuild(
              "debian:" + spec, tmp.resolve("absent/qemu").toString(), Map.of(), List.of());
        };
    QemuBuilds builds =
        new QemuBuilds(debian, new ContainerEngine(Optional.empty()), LaunchPolicy.DEFAULTS);

    List<PlannedCell> planned = new MatrixPlan(builds, Accelerator.TCG).plan(config, recipes);

    assertEquals(2, most.get(), "two of the three builds were made ready at the same time");
    assertEquals(
        List.of("a1", "a2", "b1", "c1"),
        planned.stream().map(p -> p.cell().displayName().split(":")[0]).toList());
    for (String key : List.of("bookworm-backports/x86_64", "sid/x86_64", "sid/aarch64")) {
      assertTrue(calls.containsKey(key), key + " was made ready: " + calls);
    }
    PlannedCell c1 = planned.get(3);
    assertTrue(
        c1.skipReason().orElse("").contains("no arm64 emulator in this test"),
        "the failing build is reported by its cell: " + c1.skipReason());
    assertTrue(planned.get(0).skipReason().isPresent(), "an absent binary cannot run here");
  }
}
