package dev.pvpanic.harness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.PlannedCell;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CellReport against a private Allure lifecycle that writes into a temp folder: what a matrix cell
 * looks like in the Allure report, without a guest.
 */
class CellReportTest {
  @TempDir Path tmp;

  private static PlannedCell planned(Map<Axis, String> values) {
    Cell cell = new Cell(Optional.of("test-cell"), values);
    return new PlannedCell(
        cell,
        ImageRecipes.load(TestSettings.checkout().recipes()).get(cell.recipe()),
        // no such binary: the version probe says nothing, as for a build that is missing
        new QemuBuild("host", "/nonexistent/qemu-system-x86_64", Map.of(), List.of()),
        Optional.empty());
  }

  private static Map<Axis, String> seedKdump() {
    Map<Axis, String> v = new LinkedHashMap<>();
    v.put(Axis.RECIPE, "x86_64-6.12");
    v.put(Axis.KDUMP, "yes");
    v.put(Axis.POST_NOTIFIERS, "cmdline");
    v.put(Axis.PANIC, "none");
    return v;
  }

  private Path artifacts() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("cell"));
    Files.writeString(dir.resolve("qemu-argv.txt"), "qemu-system-x86_64 -M q35\n");
    Files.writeString(dir.resolve("kernel-cmdline.txt"), "console=ttyS0 crashkernel=256M\n");
    Files.writeString(dir.resolve("console.log"), "[    0.000000] Linux version 6.12\n");
    Files.writeString(dir.resolve("qmp.log"), "<- {\"event\": \"GUEST_CRASHLOADED\"}\n");
    Files.writeString(dir.resolve("diff.txt"), "- GUEST_CRASHLOADED {action: run}  (missing)\n");
    Files.writeString(dir.resolve("cell.json"), "{}\n");
    return dir;
  }

  private static CellResult result(
      PlannedCell p,
      Verdict v,
      String message,
      Map<String, Duration> phases,
      Duration total,
      String accelerator,
      Path artifacts) {
    return new CellResult(
        p.cell(),
        v,
        message,
        Optional.empty(),
        Optional.empty(),
        phases,
        total,
        "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)",
        accelerator,
        Optional.empty(),
        artifacts,
        Optional.empty(),
        dev.pvpanic.harness.cell.CellStart.cold("unit test"),
        java.util.OptionalLong.empty());
  }

  /** Runs the two CellReport calls inside a test case of a private lifecycle. */
  private TestResult report(PlannedCell p, CellResult r) {
    AllureLifecycle previous = Allure.getLifecycle();
    AllureLifecycle life = new AllureLifecycle(new FileSystemResultsWriter(tmp.resolve("results")));
    Allure.setLifecycle(life);
    String uuid = UUID.randomUUID().toString();
    TestResult test =
        new TestResult()
            .setUuid(uuid)
            .setName("cell(PlannedCell) [7] by junit")
            .setHistoryId("by-index");
    try {
      life.scheduleTestCase(test);
      life.startTestCase(uuid);
      CellReport.parameters(p);
      CellReport.attach(r);
      life.stopTestCase(uuid);
      life.writeTestCase(uuid);
    } finally {
      Allure.setLifecycle(previous);
    }
    return test;
  }

  private static List<String> names(List<Attachment> as) {
    return as.stream().map(Attachment::getName).toList();
  }

  private static long duration(StepResult s) {
    return s.getStop() - s.getStart();
  }

  @Test
  void aTimeoutWhileArmingShowsFinishedPhasesTheBrokenOneAndTheVerdict() throws IOException {
    PlannedCell p = planned(seedKdump());
    Map<String, Duration> phases = new LinkedHashMap<>();
    phases.put("start", Duration.ofMillis(40));
    phases.put("boot", Duration.ofMillis(3_000));
    String message = "timed out waiting for kexec_crash_loaded=1 within PT60S\nconsole tail:\n  x";
    TestResult t =
        report(
            p,
            result(
                p, Verdict.TIMEOUT, message, phases, Duration.ofSeconds(20), "tcg", artifacts()));

    List<StepResult> steps = t.getSteps();
    assertEquals(
        List.of(
            "start QEMU",
            "boot to READY",
            "arm (kdump, notifiers) (did not finish)",
            "verdict: TIMEOUT"),
        steps.stream().map(StepResult::getName).toList());
    assertEquals(40, duration(steps.get(0)));
    assertEquals(3_000, duration(steps.get(1)));
    assertEquals(20_000 - 3_040, duration(steps.get(2)), 50, "the rest of the cell's time");
    assertEquals(steps.get(1).getStop(), steps.get(2).getStart(), "phases run back to back");
    assertEquals(
        List.of(Status.PASSED, Status.PASSED, Status.BROKEN, Status.BROKEN),
        steps.stream().map(StepResult::getStatus).toList());
    assertTrue(steps.get(3).getStatusDetails().getMessage().startsWith("timed out waiting"));
    assertEquals(
        List.of("QEMU argv", "kernel command line"),
        names(steps.get(0).getAttachments()),
        "missing files are left out");
    assertEquals(List.of("expected vs actual"), names(steps.get(3).getAttachments()));
    assertEquals(List.of("serial console", "cell summary"), names(t.getAttachments()));
    for (Attachment a : t.getAttachments()) {
      assertTrue(Files.exists(tmp.resolve("results").resolve(a.getSource())), a.getSource());
    }
  }

  @Test
  void aPassingCellHasOnePassedStepPerPhaseAndTheQmpTranscriptOnCollect() throws IOException {
    PlannedCell p = planned(seedKdump());
    Map<String, Duration> phases = new LinkedHashMap<>();
    for (String ph : List.of("start", "boot", "arm", "trigger", "collect")) {
      phases.put(ph, Duration.ofMillis(1_000));
    }
    TestResult t =
        report(
            p,
            result(p, Verdict.PASS, "= final", phases, Duration.ofSeconds(5), "tcg", artifacts()));

    assertEquals(
        List.of(
            "start QEMU",
            "boot to READY",
            "arm (kdump, notifiers)",
            "trigger: sysrq-c",
            "collect events and final state",
            "verdict: PASS"),
        t.getSteps().stream().map(StepResult::getName).toList());
    assertTrue(t.getSteps().stream().allMatch(s -> s.getStatus() == Status.PASSED));
    assertEquals(List.of("QMP transcript"), names(t.getSteps().get(4).getAttachments()));
  }

  @Test
  void eachTestLinksItsCellFolder() throws IOException {
    PlannedCell p = planned(seedKdump());
    TestResult t =
        report(p, result(p, Verdict.PASS, "", Map.of(), Duration.ofSeconds(9), "tcg", artifacts()));
    assertEquals(
        List.of("../../cells/" + tmp.getFileName() + "/cell/"),
        t.getLinks().stream().map(l -> l.getUrl()).toList(),
        "relative to <build>/report/allure/index.html, where ci/report.sh puts the report");
    assertEquals(
        "https://ci.example/cells/smoke/x86_64-6.12_pci/",
        CellReport.folderLink(
            Path.of("/b/cells/smoke/x86_64-6.12_pci"),
            Optional.of(java.net.URI.create("https://ci.example/cells"))));
  }

  /** Allure once filed the six watchdog actions of one kernel as retries of one test. */
  @Test
  void historyTestCaseAndNameAreTheCellIdentitysSoEveryAxisCounts() throws IOException {
    Path dir = artifacts();
    Map<String, TestResult> byAction = new LinkedHashMap<>();
    for (String action : List.of("reset", "pause", "none")) {
      Map<Axis, String> v = new LinkedHashMap<>();
      v.put(Axis.RECIPE, "x86_64-6.12");
      v.put(Axis.TRIGGER, "watchdog");
      v.put(Axis.WATCHDOG, action);
      PlannedCell p = planned(v);
      TestResult t =
          report(p, result(p, Verdict.PASS, "", Map.of(), Duration.ofSeconds(9), "tcg", dir));
      assertEquals(p.cell().identity().historyId(), t.getHistoryId());
      assertEquals(p.cell().identity().testCaseId(), t.getTestCaseId());
      assertEquals(p.cell().identity().testName(), t.getName());
      byAction.put(action, t);
    }
    assertEquals(
        3,
        byAction.values().stream().map(TestResult::getHistoryId).distinct().count(),
        "one history per watchdog action");
  }

  @Test
  void historyIdComesFromStableParametersOnly() throws IOException {
    Path dir = artifacts();
    PlannedCell p = planned(seedKdump());
    Map<String, Duration> none = Map.of();
    TestResult first =
        report(p, result(p, Verdict.PASS, "", none, Duration.ofSeconds(9), "tcg", dir));
    TestResult again =
        report(p, result(p, Verdict.PASS, "", none, Duration.ofSeconds(31), "kvm", dir));
    Map<Axis, String> isa = seedKdump();
    isa.put(Axis.DEVICE, "isa");
    PlannedCell q = planned(isa);
    TestResult other =
        report(q, result(q, Verdict.PASS, "", none, Duration.ofSeconds(9), "tcg", dir));

    assertNotEquals("by-index", first.getHistoryId(), "the JUnit index is replaced");
    assertEquals(p.displayName(), first.getName(), "the cell's name, not the JUnit invocation");
    assertEquals(first.getHistoryId(), again.getHistoryId(), "timings and accelerator used differ");
    assertNotEquals(first.getHistoryId(), other.getHistoryId(), "the device differs");

    Map<String, Parameter> params = new LinkedHashMap<>();
    first.getParameters().forEach(x -> params.put(x.getName(), x));
    assertEquals(
        List.of(
            "arch",
            "recipe",
            "kdump",
            "post_notifiers",
            "device",
            "actions",
            "trigger",
            "QEMU version",
            "accelerator used"),
        List.copyOf(params.keySet()));
    assertEquals("panic=none shutdown=default", params.get("actions").getValue());
    assertEquals("unknown", params.get("QEMU version").getValue());
    assertFalse(Boolean.TRUE.equals(params.get("QEMU version").getExcluded()));
    assertTrue(params.get("accelerator used").getExcluded());
    assertTrue(
        first.getLabels().stream()
            .anyMatch(
                l ->
                    l.getName().equals("story")
                        && l.getValue().equals("pci · kdump+cmdline · panic=none")));
  }
}
