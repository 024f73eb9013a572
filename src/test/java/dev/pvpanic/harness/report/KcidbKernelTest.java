package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's kernel is its own KCIDB checkout and build: a tree's commit, a package's name. */
class KcidbKernelTest {
  private static final KcidbDocument.Submission SUBMISSION =
      new KcidbDocument.Submission("pvpanic_harness", "r1", java.util.Optional.empty());

  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;

  @Test
  void aBuildFolderIsItsCheckoutsCommitAndItsBuildsCompiler() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("cells/ktree"));
    Path c = cell("mykernel").writeTo(dir);
    Files.writeString(
        c.resolve("image-manifest.json"),
        """
        {"recipe": "build:/src/linux-build", "arch": "x86_64", "kernelRelease": "7.2.13-pvh+",
         "kernelSource": "build",
         "kernelBuild": {"kind": "build", "folder": "/src/linux-build", "release": "7.2.13-pvh+",
           "arch": "x86_64", "compiler": "gcc (Debian 12.2.0-14) 12.2.0",
           "bootImage": {"sha256": "aa"}, "config": {"sha256": "bb"},
           "modules": {"origin": "make modules_install", "sha256": "cc"},
           "git": {"commit": "%s", "describe": "v7.2.13-3-g0123456789ab", "branch": "bisect-demo",
                   "dirty": false, "tree": "/src/linux"}}}
        """
            .formatted(COMMIT));
    JsonNode doc = KcidbDocument.of(MatrixSummary.read(dir), SUBMISSION);
    assertEquals(List.of(), KcidbSchema.problems(doc));
    JsonNode checkout = doc.path("checkouts").get(0);
    assertEquals(COMMIT, checkout.path("git_commit_hash").asText());
    assertEquals("v7.2.13-3-g0123456789ab", checkout.path("git_commit_name").asText());
    assertEquals("bisect-demo", checkout.path("git_repository_branch").asText());
    // no https:// remote: kcidb-io takes no other URL, so the local tree is named in misc
    assertTrue(checkout.path("git_repository_url").isMissingNode());
    assertEquals("/src/linux", checkout.path("misc").path("git_tree").asText());
    assertEquals("r1", checkout.path("misc").path("run_id").asText());
    assertEquals("linux", checkout.path("tree_name").asText());
    JsonNode build = doc.path("builds").get(0);
    assertEquals("gcc (Debian 12.2.0-14) 12.2.0", build.path("compiler").asText());
    assertEquals("x86_64", build.path("architecture").asText());
    assertEquals("build:7.2.13-pvh+", build.path("config_name").asText());
    assertEquals("bb", build.path("misc").path("config_sha256").asText());
  }

  @Test
  void aKernelPackageIsItsNameAndVersion() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("cells/deb"));
    Path c = cell("x86_64-6.12").writeTo(dir);
    Files.writeString(
        c.resolve("image-manifest.json"),
        """
        {"recipe": "deb:/x.deb", "kernelRelease": "6.12.107+deb13-amd64", "kernelSource": "deb",
         "kernelPackage": {"package": "linux-image-6.12.107+deb13-amd64", "version": "6.12.107-1",
                           "sha256": "dd"}}
        """);
    JsonNode doc = KcidbDocument.of(MatrixSummary.read(dir), SUBMISSION);
    assertEquals(List.of(), KcidbSchema.problems(doc));
    JsonNode checkout = doc.path("checkouts").get(0);
    assertEquals("deb", checkout.path("tree_name").asText());
    assertEquals("6.12.107-1", checkout.path("misc").path("version").asText());
    assertEquals(
        "linux-image-6.12.107+deb13-amd64", doc.path("builds").get(0).path("config_name").asText());
  }
}
