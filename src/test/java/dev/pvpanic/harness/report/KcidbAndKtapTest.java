package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KcidbAndKtapTest {
  private static final String ORIGIN = "pvpanic_harness";

  @TempDir Path tmp;

  private static KcidbDocument.Submission run(String runId) {
    return new KcidbDocument.Submission(ORIGIN, runId, Optional.empty());
  }

  /** Cells of every verdict, one with an image manifest and a console log. */
  private MatrixSummary run() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("cells/smoke"));
    Path pass = cell("x86_64-6.12").with("panic", "none").seconds(0.4).writeTo(dir);
    Files.writeString(
        pass.resolve("image-manifest.json"),
        "{\"recipe\": \"x86_64-6.12\", \"kernelRelease\": \"6.12.107+deb13-amd64\"}");
    Files.writeString(pass.resolve("console.log"), "[ 0.0] Linux version ...\n");
    cell("x86_64-6.12")
        .with("qemu", "debian:sid")
        .qemu("11.1.3 (Debian 1:11.1.3+ds-1)")
        .verdict("WRONG_EVENTS")
        .message("expected GUEST_PANICKED {action: pause}\n# a hash sign\nactual: nothing")
        .writeTo(dir);
    cell("aarch64-6.12-bpo").verdict("TIMEOUT").message("waited 60 s for READY").writeTo(dir);
    cell("x86_64-5.10").verdict("INFRASTRUCTURE_ERROR").qemu("").writeTo(dir);
    cell("x86_64-6.1")
        .with("qemu", "debian:bullseye")
        .with("device", "pci")
        .verdict("NOT_APPLICABLE")
        .message("-device pvpanic-pci needs QEMU >= 6.0")
        .writeTo(dir);
    cell("x86_64-7.x").verdict("QEMU_CRASHED").writeTo(dir);
    cell("x86_64-7.x").with("kdump", "yes").verdict("UNEXPECTED_PANIC").writeTo(dir);
    cell("x86_64-7.x").with("events", "1").verdict("WRONG_GUEST_STATE").writeTo(dir);
    return MatrixSummary.read(dir);
  }

  @Test
  void architecturesAreNamedTheWayLinuxNamesThem() {
    assertEquals("arm64", KcidbDocument.kernelArch("aarch64"));
    assertEquals("x86_64", KcidbDocument.kernelArch("x86_64"));
    assertEquals("riscv", KcidbDocument.kernelArch("riscv64"));
  }

  @Test
  void everyVerdictMapsToTheKcidbStatusOfWhoseFaultItIs() {
    assertEquals("PASS", KcidbDocument.status(Verdict.PASS));
    assertEquals("FAIL", KcidbDocument.status(Verdict.WRONG_EVENTS));
    assertEquals("FAIL", KcidbDocument.status(Verdict.WRONG_GUEST_STATE));
    assertEquals("FAIL", KcidbDocument.status(Verdict.QEMU_CRASHED));
    assertEquals("ERROR", KcidbDocument.status(Verdict.TIMEOUT));
    assertEquals("ERROR", KcidbDocument.status(Verdict.UNEXPECTED_PANIC));
    assertEquals("MISS", KcidbDocument.status(Verdict.INFRASTRUCTURE_ERROR));
    assertEquals("SKIP", KcidbDocument.status(Verdict.NOT_APPLICABLE));
  }

  @Test
  void aRunIsValidKcidbWithACheckoutPerKernelABuildPerRecipeAndATestPerCell() throws IOException {
    MatrixSummary s = run();
    JsonNode doc = KcidbDocument.of(s, run("r1"));
    assertEquals(List.of(), KcidbSchema.problems(doc));
    assertEquals(5, doc.path("version").path("major").asInt());
    assertEquals(s.cells().size(), doc.path("tests").size());
    assertEquals(5, doc.path("builds").size(), "x86_64-6.12, aarch64-6.12-bpo, 5.10, 6.1 and 7.x");
    JsonNode arm = find(doc.path("builds"), "id", "pvpanic_harness:r1:aarch64-6.12-bpo");
    assertEquals("arm64", arm.path("architecture").asText(), arm.toString());
    JsonNode checkout =
        find(doc.path("checkouts"), "id", "pvpanic_harness:r1:6.12.107+deb13-amd64");
    assertEquals("debian", checkout.path("tree_name").asText());
    List<String> statuses = new ArrayList<>();
    doc.path("tests").forEach(t -> statuses.add(t.path("status").asText()));
    statuses.sort(null);
    assertEquals(
        List.of("ERROR", "ERROR", "FAIL", "FAIL", "FAIL", "MISS", "PASS", "SKIP"), statuses);
    JsonNode sid = find(doc.path("tests"), "status", "FAIL");
    assertTrue(sid.path("path").asText().startsWith("pvpanic."), sid.toString());
    JsonNode pass = find(doc.path("tests"), "status", "PASS");
    assertEquals(
        "pvpanic.pci.nokdump.panic-none.shutdown-default.sysrq-c", pass.path("path").asText());
    assertEquals(0.4, pass.path("duration").asDouble());
    assertTrue(pass.path("log_url").isMissingNode(), "no base URL, no URL: " + pass);
    assertTrue(pass.path("output_files").isMissingNode(), pass.toString());
    assertEquals(
        "smoke/x86_64-6.12_pci_nokdump_panic-none_shutdown-default_sysrq-c/",
        pass.path("misc").path("artifacts_path").asText(),
        "the cell's folder, relative to the cells root");
    assertEquals("r1", pass.path("misc").path("run_id").asText());
    assertFalse(doc.toString().contains("file:"), "no file: URL a dashboard cannot fetch");
    assertTrue(
        find(doc.path("tests"), "comment", "x86_64-6.12")
            .path("environment")
            .path("comment")
            .asText()
            .startsWith("QEMU "));
  }

  /**
   * Two runs of the same cells (the main job, run after run) submit objects no dashboard merges
   * into one: every id carries the run id, and both documents are valid.
   */
  @Test
  void twoRunsGiveDisjointIdsAndBothValidate() throws IOException {
    MatrixSummary s = run();
    Settings none = Settings.of(Map.of(), Map.of());
    String first = RunFacts.runIdOf(none, List.of());
    String second = RunFacts.runIdOf(none, List.of());
    assertNotEquals(first, second, "a run id is made per run");
    JsonNode a = KcidbDocument.of(s, run(first));
    JsonNode b = KcidbDocument.of(s, run(second));
    assertEquals(List.of(), KcidbSchema.problems(a));
    assertEquals(List.of(), KcidbSchema.problems(b));
    Set<String> idsA = ids(a);
    Set<String> idsB = ids(b);
    assertEquals(5 + 5 + 8, idsA.size(), "checkouts, builds, tests: " + idsA);
    Set<String> both = new HashSet<>(idsA);
    both.retainAll(idsB);
    assertEquals(Set.of(), both, "ids shared by two runs");
    for (JsonNode t : a.path("tests")) {
      assertTrue(t.path("id").asText().startsWith(ORIGIN + ":" + first + ":"), t.toString());
      assertTrue(t.path("build_id").asText().startsWith(ORIGIN + ":" + first + ":"));
    }
  }

  private static Set<String> ids(JsonNode doc) {
    Set<String> ids = new HashSet<>();
    for (String list : List.of("checkouts", "builds", "tests")) {
      // ids are unique per object type
      doc.path(list)
          .forEach(o -> assertTrue(ids.add(list + " " + o.path("id").asText()), o.toString()));
    }
    return ids;
  }

  /**
   * The smoke plan's cells (90 then), written as a run would write them: as many KCIDB tests with
   * as many ids and (build, path) pairs, valid; as many KTAP tests with as many names.
   */
  @Test
  void theSmokePlansCellsAreAsManyKcidbTestsAndKtapTests() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cells/smoke"));
    List<Cell> cells =
        GuestConfig.load(
                Path.of("guest-configs/smoke.yaml"),
                ImageRecipes.load(TestSettings.checkout().recipes()).names())
            .cells();
    int n = dev.pvpanic.harness.matrix.SmokeLines.count();
    assertEquals(n, cells.size());
    for (Cell c : cells) {
      CellJson json = cell(c.recipe()).name(c.displayName());
      c.parameters().forEach(json::with);
      assertEquals(c.id(), json.writeTo(dir).getFileName().toString(), "the runner's folder");
    }
    MatrixSummary s = MatrixSummary.read(dir);
    JsonNode doc = KcidbDocument.of(s, run("r1"));
    assertEquals(List.of(), KcidbSchema.problems(doc));
    Set<String> testIds = new HashSet<>();
    Set<String> buildAndPath = new HashSet<>();
    for (JsonNode t : doc.path("tests")) {
      testIds.add(t.path("id").asText());
      buildAndPath.add(t.path("build_id").asText() + " " + t.path("path").asText());
    }
    assertEquals(n, testIds.size(), "KCIDB test ids");
    assertEquals(n, buildAndPath.size(), "KCIDB (build, path) pairs");

    String ktap = KtapStream.of(s);
    Set<String> names = new HashSet<>();
    ktap.lines()
        .filter(l -> l.startsWith("ok ") || l.startsWith("not ok "))
        .forEach(l -> names.add(l.replaceFirst("^(not )?ok \\d+ ", "").replaceFirst(" # .*", "")));
    assertEquals(n, names.size(), "KTAP names");
    TapParser p = TapParser.parse(ktap);
    assertEquals("", p.errors());
    assertEquals(n, p.run());
  }

  @Test
  void withABaseUrlEveryFileHasAnAbsoluteUrlUnderIt() throws IOException {
    MatrixSummary s = run();
    String base = "https://ci.example/job/42/artifacts/raw/target/cells";
    JsonNode doc =
        KcidbDocument.of(
            s, new KcidbDocument.Submission("my_ci", "pipeline-42", Optional.of(URI.create(base))));
    assertEquals(List.of(), KcidbSchema.problems(doc));
    JsonNode pass = find(doc.path("tests"), "status", "PASS");
    String folder = base + "/smoke/x86_64-6.12_pci_nokdump_panic-none_shutdown-default_sysrq-c/";
    assertEquals(folder + "console.log", pass.path("log_url").asText());
    List<String> urls = new ArrayList<>();
    pass.path("output_files").forEach(f -> urls.add(f.path("url").asText()));
    assertTrue(urls.contains(folder + "image-manifest.json"), urls.toString());
    assertTrue(urls.contains(folder + "cell.json"), urls.toString());
    JsonNode build = find(doc.path("builds"), "id", "my_ci:pipeline-42:x86_64-6.12");
    assertTrue(build.path("input_files").get(0).path("url").asText().startsWith(base + "/smoke/"));
    assertTrue(doc.path("tests").get(0).path("id").asText().startsWith("my_ci:pipeline-42:"));
  }

  /**
   * Why a run without a base URL carries no URLs: KCIDB's {@code url} is an absolute URI (kcidb-io
   * checks formats), so a relative path there would make the whole document invalid.
   */
  @Test
  void aRelativeUrlIsInvalidKcidb() throws IOException {
    ObjectNode doc = (ObjectNode) KcidbDocument.of(run(), run("r1"));
    ObjectNode test = (ObjectNode) doc.path("tests").get(0);
    test.put("log_url", "smoke/some-cell/console.log");
    assertFalse(KcidbSchema.problems(doc).isEmpty(), "a relative log_url");
    test.put("log_url", "https://ci.example/cells/smoke/some-cell/console.log");
    assertEquals(List.of(), KcidbSchema.problems(doc));
  }

  @Test
  void theSchemaCheckCanFail() throws IOException {
    JsonNode doc = KcidbDocument.of(run(), run("r1"));
    ObjectNode badStatus = doc.deepCopy();
    ((ObjectNode) badStatus.path("tests").get(0)).put("status", "WRONG_EVENTS");
    assertFalse(KcidbSchema.problems(badStatus).isEmpty(), "a verdict is no KCIDB status");
    ObjectNode badPath = doc.deepCopy();
    ((ObjectNode) badPath.path("tests").get(0)).put("path", "pvpanic.pci kdump");
    assertFalse(KcidbSchema.problems(badPath).isEmpty(), "a path with a space");
    ObjectNode badOrigin = doc.deepCopy();
    ((ObjectNode) badOrigin.path("builds").get(0)).put("origin", "pvpanic-harness");
    assertFalse(KcidbSchema.problems(badOrigin).isEmpty(), "an origin with a dash");
    ObjectNode extra = doc.deepCopy();
    ((ObjectNode) extra.path("tests").get(0)).put("verdict", "PASS");
    assertFalse(KcidbSchema.problems(extra).isEmpty(), "tests are closed objects");
    ObjectNode noVersion = doc.deepCopy();
    noVersion.remove("version");
    assertFalse(KcidbSchema.problems(noVersion).isEmpty(), "version is required");
  }

  @Test
  void ktapHasOneTestPerCellAndPerlsTapParserCountsThem() throws Exception {
    MatrixSummary s = run();
    String ktap = KtapStream.of(s);
    assertTrue(ktap.startsWith("KTAP version 1\n"), ktap);
    TapParser p = TapParser.parse(ktap);
    assertEquals("", p.errors(), ktap);
    assertEquals(8, p.planned());
    assertEquals(8, p.run());
    assertEquals(2, p.passed(), "the PASS and the SKIP: " + ktap);
    assertEquals(6, p.failed(), ktap);
    assertEquals(1, p.skipped(), ktap);
    assertTrue(ktap.contains("# SKIP -device pvpanic-pci needs QEMU >= 6.0"), ktap);
    assertTrue(ktap.contains("# ＃ a hash sign"), "a # in a message cannot start a directive");
  }

  /**
   * The kernel's kunit_parser.py stops at these wherever they are in a line, and reads {@code #
   * Subtest:} as a nested test: no line of the stream carries them (KunitParserIT runs the parser).
   */
  @Test
  void consoleQuotesThatEndKunitParsersInputAreNeutralised() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("cells/quotes"));
    String quote =
        "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"
            + "List of all partitions:\nreboot: System halted\n# Subtest: inner";
    cell("x86_64-6.12").verdict("UNEXPECTED_PANIC").message(quote).writeTo(dir);
    cell("x86_64-6.1").verdict("NOT_APPLICABLE").message("reboot: System halted").writeTo(dir);
    String ktap = KtapStream.of(MatrixSummary.read(dir));
    for (String mark :
        List.of(
            "Kernel panic - not syncing: VFS:",
            "List of all partitions:",
            "reboot: System halted",
            "Subtest:")) {
      assertFalse(ktap.contains(mark), mark + " in\n" + ktap);
    }
    assertTrue(ktap.contains("# Kernel panic - not syncing: VFS： Unable to mount root fs"), ktap);
    assertTrue(ktap.contains("# SKIP reboot： System halted"), ktap);
    TapParser p = TapParser.parse(ktap);
    assertEquals(2, p.run(), ktap);
  }

  @Test
  void aBrokenStreamIsAParseErrorSoTheParserCheckCanFail() throws Exception {
    TapParser p = TapParser.parse("KTAP version 1\n1..3\nok 1 a\nok 2 b\n");
    assertFalse(p.errors().isEmpty(), "two tests for a plan of three");
  }

  @Test
  void reportMainWritesBoth() throws IOException {
    MatrixSummary s = run();
    Path out = tmp.resolve("report");
    int status =
        ReportMain.run(
            new String[] {s.cellsFolder().toString(), out.toString()},
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
            System.err);
    assertEquals(0, status);
    assertTrue(Files.readString(out.resolve("results.ktap")).startsWith("KTAP version 1"));
    assertTrue(Files.readString(out.resolve("kcidb.json")).contains("\"major\" : 5"));
  }

  private static JsonNode find(JsonNode list, String field, String prefix) {
    for (JsonNode n : list) {
      if (n.path(field).asText().startsWith(prefix)) {
        return n;
      }
    }
    throw new AssertionError("no " + field + " starting " + prefix + " in " + list);
  }
}
