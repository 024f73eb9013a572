package dev.pvpanic.harness.report;

import static dev.pvpanic.harness.report.CellJson.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.scenario.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KcidbAndKtapTest {
  @TempDir Path tmp;

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
    JsonNode doc = KcidbDocument.of(s);
    assertEquals(List.of(), KcidbSchema.problems(doc));
    assertEquals(5, doc.path("version").path("major").asInt());
    assertEquals(s.cells().size(), doc.path("tests").size());
    assertEquals(5, doc.path("builds").size(), "x86_64-6.12, aarch64-6.12-bpo, 5.10, 6.1 and 7.x");
    JsonNode arm = find(doc.path("builds"), "id", "pvpanic_harness:smoke:aarch64-6_12-bpo");
    assertEquals("arm64", arm.path("architecture").asText(), arm.toString());
    JsonNode checkout =
        find(doc.path("checkouts"), "id", "pvpanic_harness:smoke:6.12.107+deb13-amd64");
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
    assertTrue(pass.path("log_url").asText().startsWith("file:/"), pass.toString());
    assertTrue(
        pass.path("output_files").toString().contains("image-manifest.json"), pass.toString());
    assertTrue(
        find(doc.path("tests"), "comment", "x86_64-6.12")
            .path("environment")
            .path("comment")
            .asText()
            .startsWith("QEMU "));
  }

  @Test
  void theSchemaCheckCanFail() throws IOException {
    JsonNode doc = KcidbDocument.of(run());
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
