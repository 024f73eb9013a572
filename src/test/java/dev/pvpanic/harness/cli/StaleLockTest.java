package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.TestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recipe folder of one's own whose recipe changed after its lock pinned it is refused before
 * anything boots or is written (exit 2, naming what changed and the command that re-resolves it),
 * and the checkout's lock is never touched.
 */
class StaleLockTest {
  @TempDir Path tmp;

  @Test
  void aRecipeWhoseSuiteChangedIsRefusedBeforeAnythingRuns() throws IOException {
    Path recipes = Files.createDirectories(tmp.resolve("recipes"));
    try (Stream<Path> files = Files.list(Path.of("images/recipes"))) {
      for (Path f : files.toList()) {
        Files.copy(f, recipes.resolve(f.getFileName()));
      }
    }
    Files.copy(Path.of("images/packages.lock.json"), recipes.resolve("packages.lock.json"));
    Path recipe = recipes.resolve("x86_64-6.12.yaml");
    Files.writeString(recipe, Files.readString(recipe).replace("suite: trixie", "suite: sid"));
    Path config = tmp.resolve("stale.yaml");
    Files.writeString(config, "name: stale\ncells:\n  - {name: a, recipe: x86_64-6.12}\n");
    String checkoutLock = Files.readString(Path.of("images/packages.lock.json"));

    Path out = tmp.resolve("cells");
    CliRun r =
        CliRun.with(
            TestSettings.checkout(Map.of("pvh.recipes", recipes.toString())),
            "matrix",
            config.toString(),
            "--out",
            out.toString());

    assertEquals(ExitStatus.USAGE.code(), r.exit(), r.toString());
    assertTrue(
        r.err()
            .contains(
                "recipe 'x86_64-6.12' changed since the lock pinned it: kernel"
                    + " linux-image-amd64 from sid"),
        r.toString());
    assertTrue(r.err().contains("pvpanic images lock x86_64-6.12"), r.toString());
    assertTrue(r.err().contains(recipes.resolve("packages.lock.json").toString()), r.toString());
    assertFalse(Files.exists(out), "nothing written");
    assertEquals(checkoutLock, Files.readString(Path.of("images/packages.lock.json")));
  }
}
