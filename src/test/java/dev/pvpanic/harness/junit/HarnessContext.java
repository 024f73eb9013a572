package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.cli.MatrixProgress;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.report.RunFacts;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * The JUnit matrix's thin adapter onto the one runner: the run of the chosen guest config (only
 * this run's shard: {@code -Dpvh.shard=k/n} or {@code PVH_SHARD}), planned by the same {@link
 * HarnessSession#matrix} as {@code pvpanic matrix}, started once in the background by {@link
 * MatrixRunner}; each parameterized test waits for its own cell's outcome.
 */
public final class HarnessContext {
  private static volatile HarnessContext instance;

  private final HarnessSession session;
  private final MatrixRun run;
  private final MatrixProgress progress;
  private final RunFacts facts;
  private Map<String, CompletableFuture<MatrixRunner.Outcome>> outcomes;

  private HarnessContext() {
    session = HarnessSession.open(TestSettings.jvm(), Optional.empty(), s -> {});
    run = plan(session);
    Shard.configured(session.settings())
        .describe(run.cells().size(), run.config().cells().size())
        .ifPresent(s -> System.out.println(run.config().name() + ": " + s));
    progress = new MatrixProgress(run.cells().size(), System.out);
    facts =
        RunFacts.now(
            session.settings(), session.settings().config(), Shard.configured(session.settings()));
    facts.writeTo(run.artifactsRoot());
    System.out.println(run.config().name() + ": run " + facts.runId());
  }

  /** What this run says about itself (run id, machine, commit), as written next to its cells. */
  public RunFacts facts() {
    return facts;
  }

  /** Where this run's cell folders are: {@code <build>/cells/<config>}. */
  public java.nio.file.Path cellsFolder() {
    return run.artifactsRoot();
  }

  /** The run the JUnit matrix makes of the settings' config. */
  public static MatrixRun plan(HarnessSession session) {
    return session.matrix(
        session.loadConfig(session.settings().config()),
        Shard.configured(session.settings()),
        Optional.empty(),
        OptionalInt.empty(),
        false);
  }

  public static HarnessContext get() {
    HarnessContext c = instance;
    if (c == null) {
      synchronized (HarnessContext.class) {
        if (instance == null) {
          instance = new HarnessContext();
        }
        c = instance;
      }
    }
    return c;
  }

  /** Whether this run boots every guest (pvh.cold) instead of restoring snapshots. */
  public boolean cold() {
    return run.cold();
  }

  public List<PlannedCell> cells() {
    return run.cells();
  }

  /** Waits for one cell's outcome; the first call starts the whole run. */
  public MatrixRunner.Outcome outcome(PlannedCell cell) {
    synchronized (this) {
      if (outcomes == null) {
        outcomes = MatrixRunner.start(session, run, session.cellOptions(), progress);
      }
    }
    return outcomes.get(cell.cell().id()).join();
  }
}
