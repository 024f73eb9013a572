package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.junit.CellReport;
import dev.pvpanic.harness.junit.HarnessContext;
import dev.pvpanic.harness.report.KcidbDocument;
import dev.pvpanic.harness.report.KcidbSchema;
import dev.pvpanic.harness.report.KtapStream;
import dev.pvpanic.harness.report.MatrixSummary;
import dev.pvpanic.harness.report.RunFacts;
import dev.pvpanic.harness.report.TapParser;
import dev.pvpanic.harness.scenario.CellResult;
import dev.pvpanic.harness.scenario.MatrixRunner;
import dev.pvpanic.harness.scenario.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
    assumeTrue(planned.skipReason().isEmpty(), planned.skipReason().orElse(""));
    CellResult result = outcome.result();
    CellReport.attach(result);
    assumeTrue(result.verdict() != Verdict.NOT_APPLICABLE, result.message());
    result.assertPassed();
  }

  /** The run as kernel CI ingests it: valid KCIDB v5 and KTAP a TAP parser reads. */
  @Test
  void theRunIsValidKcidbAndKtap() throws Exception {
    Path folder = null;
    int ran = 0;
    for (PlannedCell c : HarnessContext.get().cells()) {
      MatrixRunner.Outcome o = HarnessContext.get().outcome(c);
      if (!o.skipped()) {
        folder = o.result().artifacts().getParent();
        ran++;
      }
    }
    assumeTrue(folder != null, "no cell ran");
    MatrixSummary s = MatrixSummary.read(folder);
    assertTrue(s.cells().size() >= ran, s.cells().size() + " cell.json for " + ran + " cells");
    JsonNode kcidb =
        KcidbDocument.of(
            s,
            KcidbDocument.Submission.of(
                dev.pvpanic.harness.Settings.system(), RunFacts.readAll(s.cellsFolder())));
    assertEquals(List.of(), KcidbSchema.problems(kcidb));
    assertEquals(s.cells().size(), kcidb.path("tests").size());
    TapParser ktap = TapParser.parse(KtapStream.of(s));
    assertEquals("", ktap.errors());
    assertEquals(s.cells().size(), ktap.run());
  }
}
