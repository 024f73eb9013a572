package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QEMU developer's build tree works as a QEMU build: the seed article's three scenarios
 * (guest-configs/build-tree.yaml) pass on aarch64 guests run by the tree's own {@code
 * qemu-system-aarch64} ({@code qemu: "build:<tree>"}). Slow and needs a built tree, so it runs only
 * when {@code -Dpvh.build-tree=<meson build folder>} or {@code PVH_BUILD_TREE} names one;
 * ci/qemu-build-tree.sh builds it (QEMU 7.2 from Debian bookworm's source package) and prints the
 * command. A folder named but not built is a failure, not a skip: it was asked for. The tree's QEMU
 * must run confined like every other build (a seccomp filter, and not as root).
 */
// its guests run several at a time (MatrixRunner): no other class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class BuildTreeIT {
  private static final String PLACEHOLDER = "@BUILD_TREE@";
  private static final String BINARY = "qemu-system-aarch64";

  @TempDir Path tmp;

  @Test
  void theSeedScenariosPassOnAQemuBuildTree() throws IOException {
    Settings settings = TestSettings.jvm();
    Optional<String> named = settings.get(Setting.BUILD_TREE);
    Prerequisite.QEMU_BUILD_TREE.require(named.isPresent(), "none named");
    Path tree = settings.userPath(named.get()).toAbsolutePath().normalize();
    assertTrue(
        Files.isExecutable(tree.resolve(BINARY)),
        settings.source(Setting.BUILD_TREE)
            + " names "
            + tree
            + ", which has no executable "
            + BINARY
            + ": not a built tree (bash ci/qemu-build-tree.sh builds one)");

    String template = Files.readString(settings.home().resolve("guest-configs/build-tree.yaml"));
    assertTrue(template.contains(PLACEHOLDER), "build-tree.yaml lost its " + PLACEHOLDER);
    Path config = tmp.resolve("build-tree.yaml");
    Files.writeString(config, template.replace(PLACEHOLDER, tree.toString()));

    HarnessSession session = HarnessSession.open(settings, Optional.empty(), s -> {});
    MatrixRun run =
        session.matrix(
            session.loadConfig(config), Shard.ALL, Optional.empty(), OptionalInt.empty(), false);
    assertEquals(3, run.cells().size(), "the seed article has three scenarios");
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
          "%-7s %5.1fs  QEMU %s  %s%n",
          r.verdict(), r.total().toMillis() / 1000.0, r.qemuVersion(), r.cell().displayName());
      if (!r.passed()) {
        problems.add(
            r.cell().displayName()
                + ": "
                + r.verdict()
                + "\n"
                + r.message()
                + "\nartifacts: "
                + r.artifacts());
        continue;
      }
      String argv = Files.readString(r.artifacts().resolve(CellArtifacts.QEMU_ARGV));
      if (!argv.contains(tree.resolve(BINARY).toString())) {
        problems.add(r.cell().displayName() + ": did not run the tree's QEMU: " + argv);
      }
      confinementProblem(r).ifPresent(p -> problems.add(r.cell().displayName() + ": " + p));
    }
    assertEquals(List.of(), problems, "cells on the build tree " + tree);
  }

  /**
   * A tree built by ci/qemu-build-tree.sh has seccomp, so its QEMU must have run as every other
   * build does: under a seccomp filter (mode 2, as /proc/&lt;pid&gt;/status showed while it ran,
   * recorded in cell.json) and, under a root harness, as another user.
   */
  private static Optional<String> confinementProblem(CellResult r) throws IOException {
    JsonNode seen =
        new ObjectMapper()
            .readTree(r.artifacts().resolve("cell.json").toFile())
            .path("confinement");
    if (seen.path("seccomp").asInt(-1) != 2) {
      return Optional.of("the tree's QEMU ran without a seccomp filter: " + seen);
    }
    if (ProcessHandle.current().info().user().orElse("").equals("root")
        && seen.path("uid").asInt(0) == 0) {
      return Optional.of("the tree's QEMU ran as root: " + seen);
    }
    return Optional.empty();
  }
}
