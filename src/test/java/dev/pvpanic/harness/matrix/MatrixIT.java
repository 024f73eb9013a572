package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.junit.CellReport;
import dev.pvpanic.harness.junit.HarnessContext;
import dev.pvpanic.harness.scenario.CellOptions;
import dev.pvpanic.harness.scenario.CellResult;
import dev.pvpanic.harness.scenario.CellRunner;
import dev.pvpanic.harness.scenario.InfrastructureException;
import dev.pvpanic.harness.scenario.Verdict;
import java.util.stream.Stream;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The panic matrix: every cell of the chosen guest config (-Dpvh.config, PVH_CONFIG, default
 * guest-configs/smoke.yaml) boots a real guest, is armed, panics (or powers off), and its QMP
 * events and final state must be exactly what the oracle derives from the rules.
 */
@Execution(ExecutionMode.CONCURRENT)
class MatrixIT {

  static Stream<Arguments> cells() {
    return HarnessContext.get().cells().stream()
        .map(c -> Arguments.argumentSet(c.displayName(), c));
  }

  @ParameterizedTest
  @MethodSource("cells")
  void cell(PlannedCell planned) {
    HarnessContext ctx = HarnessContext.get();
    CellReport.parameters(planned);
    if (planned.skipReason().isPresent()) {
      ctx.progress().skipped(planned.displayName(), planned.skipReason().get());
      CellRunner.notRun(
          planned.cell(),
          Verdict.NOT_APPLICABLE,
          planned.skipReason().get(),
          ctx.artifacts(planned));
    }
    assumeTrue(planned.skipReason().isEmpty(), planned.skipReason().orElse(""));
    GuestImage image;
    try {
      image = ctx.images().image(planned.recipe().name());
    } catch (RuntimeException e) {
      CellRunner.notRun(
          planned.cell(),
          Verdict.INFRASTRUCTURE_ERROR,
          "image " + planned.recipe().name() + " could not be built: " + e.getMessage(),
          ctx.artifacts(planned));
      throw new InfrastructureException(
          "image " + planned.recipe().name() + " could not be built: " + e.getMessage(), e);
    }
    CellRunner runner = new CellRunner(CellOptions.defaults().withProgress(ctx.progress()::phase));
    CellResult result = runner.run(planned.cell(), image, planned.qemu(), ctx.artifacts(planned));
    ctx.progress().finished(result);
    CellReport.attach(result);
    assumeTrue(result.verdict() != Verdict.NOT_APPLICABLE, result.message());
    result.assertPassed();
  }
}
