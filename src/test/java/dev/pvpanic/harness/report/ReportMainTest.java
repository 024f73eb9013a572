package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pvpanic.harness.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMainTest {
  @TempDir Path tmp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ReportMain.run(
        args,
        Settings.of(Map.of(), Map.of()),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void writesBothPagesAndSaysWhere() throws Exception {
    Path cells = Files.createDirectories(tmp.resolve("cells/smoke"));
    cell("x86_64-6.12").writeTo(cells);
    cell("x86_64-6.1").verdict("TIMEOUT").writeTo(cells);
    Path outDir = tmp.resolve("report");

    assertEquals(0, run(cells.toString(), outDir.toString(), "--wall-time=90"));

    assertTrue(Files.readString(outDir.resolve("summary.html")).contains("1 min 30 s"));
    assertTrue(Files.readString(outDir.resolve("summary.md")).contains("**2 cells**"));
    String said = out.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("smoke: 2 cells, 1 PASS, 1 TIMEOUT"), said);
    assertTrue(said.contains(outDir.resolve("summary.html").toAbsolutePath().toString()), said);
  }

  @Test
  void theRunIdComesFromTheRunsFactsAndTheFlagsOverrideIt() throws Exception {
    Path cells = Files.createDirectories(tmp.resolve("cells/smoke"));
    Path folder = cell("x86_64-6.12").writeTo(cells);
    Files.writeString(folder.resolve("console.log"), "Linux version\n");
    RunFacts facts =
        new RunFacts("gh-4242-1", "smoke.yaml", "", "abc", "Linux 6.1 amd64", 2, "17", "now");
    facts.writeTo(cells);
    Path outDir = tmp.resolve("report");

    Path allure = tmp.resolve("allure-results");
    assertEquals(
        0, run(cells.toString(), outDir.toString(), "--allure-results=" + allure.toString()));
    assertTrue(
        Files.readString(allure.resolve("environment.properties")).contains("\nrun=gh-4242-1\n"),
        "the Allure Environment panel");
    String kcidb = Files.readString(outDir.resolve("kcidb.json"));
    assertTrue(kcidb.contains("\"pvpanic_harness:gh-4242-1:x86_64-6.12_pci_"), kcidb);
    assertTrue(
        Files.readString(outDir.resolve("summary.html")).contains(">gh-4242-1</dd>"),
        "the report shows the run id");
    assertTrue(Files.readString(outDir.resolve("summary.md")).contains("- run: `gh-4242-1`"));
    assertTrue(
        Files.readString(outDir.resolve("results.ktap"))
            .contains("# pvpanic matrix smoke, run gh-4242-1\n"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("run: gh-4242-1"));

    assertEquals(
        0,
        run(
            cells.toString(),
            outDir.toString(),
            "--run-id=pipeline-7",
            "--origin=my_ci",
            "--artifacts-url=https://ci.example/artifacts/cells/"));
    JsonNode doc = new ObjectMapper().readTree(outDir.resolve("kcidb.json").toFile());
    JsonNode test = doc.path("tests").get(0);
    assertEquals("my_ci", test.path("origin").asText());
    assertTrue(
        test.path("id").asText().startsWith("my_ci:pipeline-7:x86_64-6.12_"), test.toString());
    assertEquals(
        "https://ci.example/artifacts/cells/smoke/" + folder.getFileName() + "/console.log",
        test.path("log_url").asText());
    assertEquals(List.of(), KcidbSchema.problems(doc));
  }

  @Test
  void aBadRunIdOriginOrArtifactsUrlIsAUsageError() throws Exception {
    Path cells = Files.createDirectories(tmp.resolve("cells/smoke"));
    cell("x86_64-6.12").writeTo(cells);
    String outDir = tmp.resolve("report").toString();
    assertEquals(2, run(cells.toString(), outDir, "--run-id=a b"));
    assertEquals(2, run(cells.toString(), outDir, "--origin=pvpanic-harness"));
    assertEquals(2, run(cells.toString(), outDir, "--artifacts-url=target/cells"));
    String said = err.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("is not a run id"), said);
    assertTrue(said.contains("is not a KCIDB origin"), said);
    assertTrue(said.contains("is not an absolute URL"), said);
  }

  @Test
  void usageErrorsAndMissingCellsAreReported() {
    assertEquals(2, run(tmp.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains(ReportArguments.USAGE));
    assertEquals(2, run(tmp.toString(), tmp.toString(), "--wall-time=soon"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("not 'soon'"));
    assertEquals(1, run(tmp.resolve("missing").toString(), tmp.resolve("out").toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not exist"));
  }
}
