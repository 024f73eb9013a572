package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Allure Environment panel: what the run and its cells recorded, read back as Allure does. */
class AllureEnvironmentTest {
  @TempDir Path tmp;

  @Test
  void hostQemuBuildsKernelsAcceleratorCommitAndConfigAreListed() throws Exception {
    Path cells = Files.createDirectories(tmp.resolve("cells/smoke"));
    Path a = cell("x86_64-6.12").writeTo(cells);
    Files.writeString(
        a.resolve("image-manifest.json"), "{\"kernelRelease\": \"6.12.95+deb12-amd64\"}");
    cell("x86_64-6.12")
        .with("qemu", "debian:5.2")
        .qemu("5.2.0 (Debian 1:5.2+dfsg-11+deb11u4)")
        .writeTo(cells);
    cell("aarch64-6.12-bpo")
        .with("qemu", "debian:sid")
        .verdict("NOT_APPLICABLE")
        .qemu("")
        .writeTo(cells);
    List<RunFacts> runs =
        List.of(
            new RunFacts(
                "gl-7",
                "guest-configs/smoke.yaml",
                "1/2",
                "abc123",
                "Linux 6.1.0 amd64",
                2,
                "17.0.9",
                "t"),
            new RunFacts(
                "gl-7",
                "guest-configs/smoke.yaml",
                "2/2",
                "abc123",
                "Linux 6.8.0 amd64",
                4,
                "17.0.9",
                "t"));

    Path file =
        AllureEnvironment.write(
            tmp.resolve("allure-results"), MatrixSummary.read(cells), runs, "gl-7");

    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    assertEquals("gl-7", p.getProperty("run"));
    assertEquals("guest-configs/smoke.yaml", p.getProperty("config"));
    assertEquals("abc123", p.getProperty("harness commit"));
    assertEquals(
        "Linux 6.1.0 amd64, 2 cores (shard 1/2); Linux 6.8.0 amd64, 4 cores (shard 2/2)",
        p.getProperty("host"));
    assertEquals("tcg (3 cells)", p.getProperty("accelerator"));
    assertEquals("7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)", p.getProperty("QEMU host"));
    assertEquals("5.2.0 (Debian 1:5.2+dfsg-11+deb11u4)", p.getProperty("QEMU debian:5.2"));
    assertEquals("(no cell reached it)", p.getProperty("QEMU debian:sid"));
    assertEquals("6.12.95+deb12-amd64", p.getProperty("kernel x86_64-6.12"));
    assertEquals("(no image built)", p.getProperty("kernel aarch64-6.12-bpo"));
    assertEquals("3: 2 PASS, 1 NOT_APPLICABLE", p.getProperty("cells"));
    assertEquals("17.0.9", p.getProperty("java"));
    String text = Files.readString(file);
    assertTrue(
        text.indexOf("run=") < text.indexOf("QEMU\\ host="), "in a reader's order:\n" + text);
  }

  @Test
  void withoutRunFactsThePanelSaysSo() throws Exception {
    Path cells = Files.createDirectories(tmp.resolve("cells/old"));
    cell("x86_64-6.12").writeTo(cells);
    Map<String, String> e = AllureEnvironment.entries(MatrixSummary.read(cells), List.of(), "r");
    assertEquals("unknown (no run.json)", e.get("host"));
    assertEquals("old", e.get("config"));
  }
}
