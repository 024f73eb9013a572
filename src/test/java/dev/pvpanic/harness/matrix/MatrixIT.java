package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pvpanic.harness.junit.CellReport;
import dev.pvpanic.harness.junit.HarnessContext;
import dev.pvpanic.harness.scenario.CellResult;
import dev.pvpanic.harness.scenario.MatrixRunner;
import dev.pvpanic.harness.scenario.Verdict;
import java.util.stream.Stream;
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
        .map(c -> Arguments.argumentSet(c.displayName(), c));
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
}
