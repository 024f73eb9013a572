package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CI templates' shard lists: whatever each pipeline defines, its shards together must run every
 * cell of the smoke matrix exactly once.
 */
class CiTemplatesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static List<Cell> smoke() {
    ImageRecipes recipes = ImageRecipes.load(TestSettings.checkout().recipes());
    return GuestConfig.load(Path.of("guest-configs/smoke.yaml"), recipes.names()).cells();
  }

  /** GitHub Actions: {@code jobs.<job>.strategy.matrix.shard}. */
  static List<String> githubShards(JsonNode workflow) {
    List<String> shards = new ArrayList<>();
    workflow
        .path("jobs")
        .forEach(
            job ->
                job.path("strategy")
                    .path("matrix")
                    .path("shard")
                    .forEach(s -> shards.add(s.asText())));
    return shards;
  }

  /** GitLab CI: {@code <job>.parallel.matrix[*].SHARD}. */
  static List<String> gitlabShards(JsonNode pipeline) {
    List<String> shards = new ArrayList<>();
    pipeline.forEach(
        job ->
            job.path("parallel")
                .path("matrix")
                .forEach(entry -> entry.path("SHARD").forEach(s -> shards.add(s.asText()))));
    return shards;
  }

  private static JsonNode load(String file) throws IOException {
    Path p = Path.of(file);
    assertTrue(Files.isRegularFile(p), "missing " + file);
    return YAML.readTree(p.toFile());
  }

  private static void coverSmokeOnce(List<String> shards, String where) {
    assertFalse(shards.isEmpty(), where + " defines no shards");
    List<Cell> cells = smoke();
    Map<String, Integer> runs = new HashMap<>();
    int n = -1;
    for (String s : shards) {
      Shard shard = Shard.parse(s);
      if (n != -1) {
        assertEquals(n, shard.count(), where + ": shards of different totals: " + shards);
      }
      n = shard.count();
      shard.select(cells).forEach(c -> runs.merge(c.id(), 1, Integer::sum));
    }
    assertEquals(n, shards.size(), where + ": " + shards + " is not 1/n … n/n");
    assertEquals(cells.size(), runs.size(), where + ": some cells run in no shard");
    runs.forEach((id, k) -> assertEquals(1, k, where + ": " + id + " runs " + k + " times"));
  }

  @Test
  void githubShardsCoverTheSmokeMatrixOnce() throws IOException {
    JsonNode wf = load("ci/github/pvpanic-matrix.yml");
    coverSmokeOnce(githubShards(wf), "GitHub workflow");
    String text = Files.readString(Path.of("ci/github/pvpanic-matrix.yml"));
    assertTrue(text.contains("-Dpvh.shard=${{ matrix.shard }}"), "shard jobs pass their shard");
    assertTrue(
        text.contains(
            "hashFiles('images/packages.lock.json', 'images/recipes/**', 'images/guest/**')"),
        "image cache key: everything the images are built from");
    wf.path("jobs")
        .fields()
        .forEachRemaining(
            job -> {
              JsonNode c = job.getValue().path("container");
              String image = c.isTextual() ? c.asText() : c.path("image").asText();
              assertEquals(
                  "debian:bookworm", image, job.getKey() + ": runs where Debian's apt sources are");
            });
    assertFalse(
        text.contains("ci/report.sh target/allure-results"),
        "ci/report.sh takes a cells folder, not Allure results");
    assertTrue(text.contains("GITHUB_STEP_SUMMARY"), "the report job writes the job summary");
    assertTrue(text.contains("pattern: cells-*"), "the report job gets every shard's cells");
  }

  @Test
  void gitlabShardsCoverTheSmokeMatrixOnce() throws IOException {
    JsonNode pipeline = load("ci/gitlab/.gitlab-ci.yml");
    coverSmokeOnce(gitlabShards(pipeline), "GitLab pipeline");
    String text = Files.readString(Path.of("ci/gitlab/.gitlab-ci.yml"));
    assertTrue(text.contains("-Dpvh.shard=$SHARD"), "shard jobs pass their shard");
    assertTrue(text.contains("images/packages.lock.json"), "image cache key");
    assertTrue(text.contains("policy: pull\n"), "shards only pull the image cache");
    assertFalse(text.contains("ci/test.sh"), "no job installs a Docker engine it does not need");
    assertFalse(text.contains("ci/report.sh target/allure-results"), "report takes cells");
  }

  /** Every real-guest test class in the checkout. */
  private static List<String> itClasses() throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith("IT.java"))
          .map(n -> n.substring(0, n.length() - ".java".length()))
          .sorted()
          .toList();
    }
  }

  /** Whether Failsafe's {@code -Dit.test} value (globs, {@code !} excludes) selects {@code it}. */
  static boolean selects(String itTest, String it) {
    boolean in = false;
    for (String raw : itTest.split(",")) {
      String p = raw.strip();
      boolean exclude = p.startsWith("!");
      String glob = exclude ? p.substring(1) : p;
      boolean match = it.matches(glob.replace("*", ".*"));
      if (match && exclude) {
        return false;
      }
      in |= match;
    }
    return in;
  }

  /**
   * A template runs every real-guest test its runners can run: each IT class is selected by a job's
   * {@code -Dit.test}, or the template names it in its "Not run here, and why" list.
   */
  static List<String> itsNeitherRunNorExplained(String template) throws IOException {
    List<String> itTests = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("-Dit\\.test='?([^'\\s]+)'?").matcher(template);
    while (m.find()) {
      itTests.add(m.group(1));
    }
    // the comment lines from the heading on
    StringBuilder whyNot = new StringBuilder();
    boolean inList = false;
    for (String line : template.lines().toList()) {
      inList |= line.contains("Not run here, and why:");
      if (inList && !line.stripLeading().startsWith("#")) {
        break;
      }
      if (inList) {
        whyNot.append(line).append('\n');
      }
    }
    List<String> missing = new ArrayList<>();
    for (String it : itClasses()) {
      boolean run = itTests.stream().anyMatch(t -> selects(t, it));
      boolean explained =
          java.util.regex.Pattern.compile("(?<![A-Za-z])" + it + "[:,]").matcher(whyNot).find();
      if (!run && !explained) {
        missing.add(it);
      }
      if (run && explained) {
        missing.add(it + " (run, yet listed as not run)");
      }
    }
    return missing;
  }

  @Test
  void bothTemplatesRunEveryRealGuestTestTheirRunnersCanAndSayWhichNot() throws IOException {
    assertTrue(itClasses().size() >= 20, itClasses().toString());
    for (String template : List.of("ci/github/pvpanic-matrix.yml", "ci/gitlab/.gitlab-ci.yml")) {
      String text = Files.readString(Path.of(template));
      assertEquals(List.of(), itsNeitherRunNorExplained(text), template);
      assertTrue(text.contains("PVH_REQUIRE: qemu"), template + " requires what its jobs have");
    }
  }

  @Test
  void theSelectionReadsGlobsAndExclusionsAsFailsafeDoes() throws IOException {
    assertTrue(selects("*IT,!MatrixIT", "SnapshotIT"));
    assertFalse(selects("*IT,!MatrixIT", "MatrixIT"));
    assertTrue(selects("MatrixIT", "MatrixIT"));
    assertFalse(selects("MatrixIT", "SnapshotIT"));
    assertEquals(
        List.of("SnapshotIT"),
        itsNeitherRunNorExplained("-Dit.test='*IT,!SnapshotIT'").stream()
            .filter(n -> n.equals("SnapshotIT"))
            .toList(),
        "an IT left out without a reason is caught");
  }

  @Test
  void aMissingShardIsCaught() {
    assertThrows(AssertionError.class, () -> coverSmokeOnce(List.of("1/3", "3/3"), "test"));
  }
}
