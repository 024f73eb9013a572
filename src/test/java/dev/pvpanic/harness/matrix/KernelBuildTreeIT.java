package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Linux build folder works as the kernel under test: the seed article's three scenarios, a
 * watchdog and an oops cell (guest-configs/kernel-build-tree.yaml) pass on the tree's own bzImage
 * and modules ({@code recipe: "build:<folder>"}), and the image's manifest names the tree's
 * release. Slow and needs a built tree, so it runs only when {@code -Dpvh.kernel-build-tree=<build
 * folder>} or {@code PVH_KERNEL_BUILD_TREE} names one; ci/kernel-build-tree.sh builds it (from
 * Debian's linux-source package) and prints the command. A folder named but not built is a failure,
 * not a skip: it was asked for.
 */
// its guests run several at a time (MatrixRunner): no other class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class KernelBuildTreeIT {
  private static final String PLACEHOLDER = "@BUILD_TREE@";

  @TempDir Path tmp;

  @Test
  void theSeedWatchdogAndOopsCellsPassOnAKernelBuildTree() throws IOException {
    Settings settings = TestSettings.jvm();
    Optional<String> named = settings.get(Setting.KERNEL_BUILD_TREE);
    assumeTrue(
        named.isPresent(),
        "no kernel build tree: set -Dpvh.kernel-build-tree=<build folder> or"
            + " PVH_KERNEL_BUILD_TREE (bash ci/kernel-build-tree.sh builds one)");
    Path tree = settings.userPath(named.get()).toAbsolutePath().normalize();
    assertTrue(
        Files.isRegularFile(tree.resolve("arch/x86/boot/bzImage")),
        settings.source(Setting.KERNEL_BUILD_TREE)
            + " names "
            + tree
            + ", which has no arch/x86/boot/bzImage: not a built x86_64 tree (bash"
            + " ci/kernel-build-tree.sh builds one)");
    String release = Files.readString(tree.resolve("include/config/kernel.release")).strip();

    String template =
        Files.readString(settings.home().resolve("guest-configs/kernel-build-tree.yaml"));
    assertTrue(template.contains(PLACEHOLDER), "kernel-build-tree.yaml lost its " + PLACEHOLDER);
    Path config = tmp.resolve("kernel-build-tree.yaml");
    Files.writeString(config, template.replace(PLACEHOLDER, tree.toString()));

    HarnessSession session = HarnessSession.open(settings, Optional.empty(), s -> {});
    MatrixRun run =
        session.matrix(
            session.loadConfig(config), Shard.ALL, Optional.empty(), OptionalInt.of(1), false);
    assertEquals(5, run.cells().size(), "three seed scenarios, a watchdog and an oops cell");
    List<String> problems = new ArrayList<>();
    for (MatrixRunner.Outcome o :
        MatrixRunner.run(
            session, run, session.cellOptions(), MatrixRunner.Listener.phases(System.out))) {
      if (o.skipped()) {
        problems.add(o.planned().displayName() + ": skipped: " + o.planned().skipReason().get());
        continue;
      }
      CellResult r = o.result();
      System.out.printf(
          "%-7s %5.1fs  %s%n", r.verdict(), r.total().toMillis() / 1000.0, r.cell().displayName());
      if (!r.passed()) {
        problems.add(
            r.cell().displayName()
                + ": "
                + r.verdict()
                + "\n"
                + r.message()
                + "\nartifacts: "
                + r.artifacts());
      }
    }
    Map<?, ?> manifest =
        new ObjectMapper()
            .readValue(session.images().image("build:" + tree).manifest().toFile(), Map.class);
    assertEquals(release, manifest.get("kernelRelease"), "the image boots the tree's kernel");
    assertEquals("build", manifest.get("kernelSource"));
    assertEquals(List.of(), problems, "cells on the kernel build tree " + tree);
  }
}
