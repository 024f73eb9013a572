package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pvpanic.harness.junit.HarnessContext;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code pvpanic matrix} and the JUnit matrix run a config the same way: the same cells in the same
 * order, as many guests at once, the same artifact folders.
 */
class OnePathIT {

  @Test
  void theCommandLineAndTheJunitMatrixPlanTheSameRun() {
    HarnessSession session = HarnessSession.open(TestSettings.jvm(), Optional.empty(), s -> {});
    MatrixRun cli = MatrixCommand.plan(session, null, null, null, null, false);
    MatrixRun junit = HarnessContext.plan(session);

    assertFalse(cli.cells().isEmpty());
    assertEquals(
        junit.cells().stream().map(p -> p.cell().id()).toList(),
        cli.cells().stream().map(p -> p.cell().id()).toList());
    assertEquals(junit.parallelism(), cli.parallelism());
    assertEquals(junit.artifactsRoot(), cli.artifactsRoot());
    assertEquals(junit.cold(), cli.cold());
    for (int i = 0; i < cli.cells().size(); i++) {
      assertEquals(junit.artifacts(junit.cells().get(i)), cli.artifacts(cli.cells().get(i)));
    }
  }
}
