package dev.pvpanic.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.matrix.Shard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFactsTest {
  private static final Settings NONE = Settings.of(Map.of(), Map.of());

  @TempDir Path tmp;

  @Test
  void eachShardWritesItsOwnFactsAndTheReportReadsThemAll() {
    RunFacts one = RunFacts.now(NONE, Path.of("guest-configs/smoke.yaml"), Shard.parse("1/3"));
    RunFacts two = RunFacts.now(NONE, Path.of("guest-configs/smoke.yaml"), Shard.parse("2/3"));
    one.writeTo(tmp);
    two.writeTo(tmp);
    assertTrue(Files.isRegularFile(tmp.resolve("run-shard-1of3.json")));
    assertEquals(List.of(one, two), RunFacts.readAll(tmp));
    assertNotEquals(one.runId(), two.runId(), "no id set: each run makes its own");
    assertTrue(one.runId().matches("\\d{8}T\\d{6}Z-[0-9a-f]{8}"), one.runId());
    assertEquals(
        String.join("+", List.of(one.runId(), two.runId()).stream().sorted().toList()),
        RunFacts.runIdOf(NONE, RunFacts.readAll(tmp)),
        "shards that made their own ids: the report's id names them all");
    assertTrue(one.cores() >= 1);
    assertTrue(one.host().startsWith("Linux "), one.host());
  }

  @Test
  void ciSetsOneRunIdForEveryShardAndTheReport() {
    Settings ci = Settings.of(Map.of(), Map.of("PVH_RUN_ID", "gl-123456"));
    RunFacts shard = RunFacts.now(ci, Path.of("smoke.yaml"), Shard.parse("3/3"));
    assertEquals("gl-123456", shard.runId());
    assertEquals("3/3", shard.shard());
    assertEquals("gl-123456", RunFacts.runIdOf(NONE, List.of(shard)));
    assertEquals(
        "other", RunFacts.runIdOf(Settings.of(Map.of("pvh.run-id", "other"), Map.of()), List.of()));
  }

  @Test
  void theCommitIsReadFromTheGitFolderWhenThereIsNoGit() throws Exception {
    Path home = Path.of("").toAbsolutePath();
    String byFiles = RunFacts.fromGitFolder(home).orElseThrow();
    assertTrue(byFiles.matches("[0-9a-f]{40}"), byFiles);
    Process git = new ProcessBuilder("git", "-C", home.toString(), "rev-parse", "HEAD").start();
    String byGit = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (git.waitFor() == 0) {
      assertEquals(byGit, byFiles);
      assertTrue(RunFacts.commit(home).startsWith(byGit), RunFacts.commit(home));
    }
    assertEquals("unknown", RunFacts.commit(tmp));
  }

  @Test
  void aPackedRefIsFound() throws IOException {
    Path git = Files.createDirectories(tmp.resolve("checkout/.git"));
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    String sha = "0123456789abcdef0123456789abcdef01234567";
    Files.writeString(git.resolve("packed-refs"), "# pack-refs\n" + sha + " refs/heads/main\n");
    assertEquals(sha, RunFacts.fromGitFolder(tmp.resolve("checkout")).orElseThrow());
  }
}
