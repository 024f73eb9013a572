package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.Userland;
import dev.pvpanic.harness.junit.CellReport;
import dev.pvpanic.harness.junit.HarnessContext;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.report.AllureEnvironment;
import dev.pvpanic.harness.report.KcidbDocument;
import dev.pvpanic.harness.report.KcidbSchema;
import dev.pvpanic.harness.report.KtapStream;
import dev.pvpanic.harness.report.MatrixSummary;
import dev.pvpanic.harness.report.RunFacts;
import dev.pvpanic.harness.report.TapParser;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The panic matrix: every cell of the chosen guest config (-Dpvh.config, PVH_CONFIG, default
 * guest-configs/smoke.yaml) boots a real guest, is armed, panics (or powers off), and its QMP
 * events and final state must be exactly what the oracle derives from the rules. The cells run
 * through the one runner ({@link MatrixRunner}, several guests at once, longest first); each test
 * reports its cell.
 */
// its guests run several at a time (MatrixRunner): no other class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class MatrixIT {

  static Stream<Arguments> cells() {
    return HarnessContext.get().cells().stream()
        .map(c -> Arguments.argumentSet(c.cell().identity().testName(), c));
  }

  @ParameterizedTest
  @MethodSource("cells")
  void cell(PlannedCell planned) {
    CellReport.parameters(planned);
    MatrixRunner.Outcome outcome = HarnessContext.get().outcome(planned);
    if (planned.skipReason().isPresent()) {
      String reason = planned.skipReason().get();
      // this machine lacks something: a failure when pvh.require says it has it
      Prerequisite.of(planned.lacks()).ifPresent(p -> p.require(false, reason));
      Assumptions.abort("not applicable, decided at planning: " + reason);
    }
    CellResult result = outcome.result();
    CellReport.attach(result);
    if (result.verdict() == Verdict.NOT_APPLICABLE) {
      notApplicable(result);
    }
    result.assertPassed();
    if (planned.cell().userland() == Userland.DEBIAN && planned.cell().kdump()) {
      savedDumpChecked(result);
    }
  }

  /**
   * A debian kdump cell passes only when its system came back and kdump-tools saved the dump and
   * the panicked kernel's log (cell/SavedDumpCheck): its saved-dump.txt must show what was found.
   */
  private static void savedDumpChecked(CellResult result) {
    Path saved = result.artifacts().resolve("saved-dump.txt");
    String text;
    try {
      text = Files.exists(saved) ? Files.readString(saved) : "(no saved-dump.txt)";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(
        text.contains("panic line: ") && !text.contains("missing:"),
        "the saved dump was not checked: " + text + "\nartifacts: " + result.artifacts());
  }

  /**
   * A cell that cannot exist is left out at planning (its QEMU build's introspection), or before it
   * boots (what its image's manifest says it brings): a skip that says so. Found out once its QEMU
   * ran, it is a failure: the plan let through a cell it should have refused.
   */
  private static void notApplicable(CellResult result) {
    if (result.phases().isEmpty()) {
      Assumptions.abort(
          "not applicable, decided before boot from the image's manifest: " + result.message());
    }
    fail(
        "NOT_APPLICABLE at run time: "
            + result.message()
            + "\n(after phases "
            + result.phases().keySet()
            + "; a cell that cannot exist must be refused at planning)\n\nartifacts: "
            + result.artifacts().toAbsolutePath());
  }

  /**
   * The Allure report's Environment panel: this run's machine, commit, config, run id, and what its
   * cells ran on (QEMU builds and versions, accelerator, kernel releases). ci/report.sh writes it
   * again from every shard's cells.
   */
  @AfterAll
  static void environment() {
    Path cells = HarnessContext.get().cellsFolder();
    if (Files.isDirectory(cells)) {
      AllureEnvironment.write(
          Path.of(System.getProperty("allure.results.directory", "allure-results")),
          MatrixSummary.read(cells),
          RunFacts.readAll(cells),
          HarnessContext.get().facts().runId());
    }
  }

  /** The run as kernel CI ingests it: valid KCIDB v5 and KTAP a TAP parser reads. */
  @Test
  void theRunIsValidKcidbAndKtap() throws Exception {
    Path folder = null;
    int ran = 0;
    for (PlannedCell c : HarnessContext.get().cells()) {
      MatrixRunner.Outcome o = HarnessContext.get().outcome(c);
      if (!o.skipped() && o.result().verdict() != Verdict.NOT_APPLICABLE) {
        folder = o.result().artifacts().getParent();
        ran++;
      }
    }
    if (folder == null) {
      fail(
          "no cell ran: a run that tested nothing is no pass; "
              + HarnessContext.get().cells().size()
              + " planned, skipped because: "
              + HarnessContext.get().cells().stream()
                  .map(c -> c.skipReason().orElse("(ran)"))
                  .distinct()
                  .limit(5)
                  .toList());
    }
    MatrixSummary s = MatrixSummary.read(folder);
    assertTrue(s.cells().size() >= ran, s.cells().size() + " cell.json for " + ran + " cells");
    JsonNode kcidb =
        KcidbDocument.of(
            s, KcidbDocument.Submission.of(TestSettings.jvm(), RunFacts.readAll(s.cellsFolder())));
    assertEquals(List.of(), KcidbSchema.problems(kcidb));
    assertEquals(s.cells().size(), kcidb.path("tests").size());
    TapParser ktap = TapParser.parse(KtapStream.of(s));
    assertEquals("", ktap.errors());
    assertEquals(s.cells().size(), ktap.run());
  }
}
