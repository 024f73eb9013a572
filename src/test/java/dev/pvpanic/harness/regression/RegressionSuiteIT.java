package dev.pvpanic.harness.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.InjectedRegression;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The harness must catch the regressions it exists to catch: every cell of
 * guest-configs/regressions.yaml injects one realistic kernel or QEMU regression (a blacklisted
 * driver, a QEMU whose pvpanic default regressed, a stray -no-shutdown, ...) through inputs the
 * oracle never reads, and must get exactly the verdict it states. A PASS is a regression the
 * harness let through; a cell that cannot run here is one it did not check.
 */
// its guests run several at a time (MatrixRunner): no other class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class RegressionSuiteIT {

  @Test
  void everyInjectedRegressionGetsTheVerdictThatCatchesIt() {
    HarnessSession session = HarnessSession.open(TestSettings.jvm(), Optional.empty(), s -> {});
    GuestConfig config =
        session.loadConfig(session.settings().home().resolve("guest-configs/regressions.yaml"));
    MatrixRun run = session.matrix(config, Shard.ALL, Optional.empty(), OptionalInt.empty(), false);
    List<String> problems = new ArrayList<>();
    int caught = 0;
    for (MatrixRunner.Outcome o :
        MatrixRunner.run(
            session, run, session.cellOptions(), MatrixRunner.Listener.phases(System.out))) {
      CellResult r = o.result();
      InjectedRegression injected =
          r.cell()
              .regression()
              .orElseThrow(() -> new AssertionError(r.cell() + " states no regression"));
      boolean ok = !o.skipped() && injected.caughtBy(r.verdict().name());
      System.out.printf(
          "%-7s %-18s %5.1fs  %s%n",
          ok ? "caught" : "MISSED", r.verdict(), r.total().toMillis() / 1000.0, injected.what());
      if (ok) {
        caught++;
      } else {
        problems.add(
            r.cell().displayName()
                + ": expected "
                + injected.verdictName()
                + ", got "
                + r.verdict()
                + "\n"
                + r.message());
      }
    }
    System.out.printf("%d/%d injected regressions caught%n", caught, run.cells().size());
    assertEquals(List.of(), problems, "injected regressions not caught");
    assertTrue(run.cells().size() >= 13, "the suite shrank: " + run.cells().size() + " cells");
  }
}
