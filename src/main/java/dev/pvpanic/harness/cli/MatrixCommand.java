package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestParallelism;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.report.RunFacts;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pvpanic matrix}: every cell of a guest config (or one shard of them), N guests at a time,
 * in this JVM; a progress line per cell, then a table of verdicts and times. The exit status is the
 * worst cell's; skipped cells (cannot run here, with the reason) do not fail the matrix.
 */
@Command(
    name = "matrix",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Runs every cell of a guest config, N at a time, and prints a table of verdicts and times.",
      "Exit: the worst cell's: 0 pass, 1 fail, 3 infrastructure; 2 usage."
    })
final class MatrixCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "a guest config (default guest-configs/smoke.yaml)")
  Path config;

  @Option(
      names = "--shard",
      paramLabel = "k/n",
      description = "run only shard k of n (the same split as -Dpvh.shard in the JUnit run)")
  String shard;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "guests at a time (default: -Dpvh.parallel / PVH_PARALLEL, else auto)")
  Integer parallel;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "artifacts root: one folder per cell id (default target/cells/<config name>)")
  Path outDir;

  @Option(names = "--cold", description = "boot every guest instead of restoring snapshots")
  boolean cold;

  @Option(
      names = "--retry-infra",
      paramLabel = "N",
      description =
          "run a cell whose verdict is INFRASTRUCTURE_ERROR again, up to N times; each attempt"
              + " is kept in the cell's attempts/ folder (default: -Dpvh.retry.infra /"
              + " PVH_RETRY_INFRA, else 0)")
  Integer retryInfra;

  @Option(
      names = "--dry-run",
      description = "plan only: print the cells in running order and where their artifacts go")
  boolean dryRun;

  @Override
  public Integer call() {
    PrintStream out = main.terminal().out();
    if (retryInfra != null && (retryInfra < 0 || retryInfra > 10)) {
      throw new UsageException("--retry-infra " + retryInfra + " out of range; valid: 0..10");
    }
    if (parallel != null && (parallel < 1 || parallel > GuestParallelism.MAX)) {
      throw new UsageException(
          "--parallel " + parallel + " out of range; valid: 1.." + GuestParallelism.MAX);
    }
    if (outDir != null && outDir.toString().isBlank()) {
      throw new UsageException("--out is empty; give a folder for the cells' artifacts");
    }
    MatrixProgress progress = new MatrixProgress(0, out);
    HarnessSession session = main.session(progress::phase);
    MatrixRun planned = plan(session, config, shard, outDir, parallel, cold);
    MatrixRun run = retryInfra == null ? planned : planned.withRetryInfra(retryInfra);
    List<Cell> all = run.config().cells();
    out.printf(
        "== matrix %s (%s): %d cells%s, %d at a time; artifacts under %s%n",
        run.config().name(),
        run.config().file().map(Path::toString).orElse("?"),
        run.cells().size(),
        part(main.settings(), shard)
            .describe(run.cells().size(), all.size())
            .map(s -> " (" + s + ")")
            .orElse(""),
        run.parallelism(),
        run.artifactsRoot().toAbsolutePath());
    if (dryRun) {
      int i = 0;
      for (PlannedCell p : run.cells()) {
        out.printf(
            "%-3d %s%n    %s%n",
            ++i,
            p.displayName(),
            p.skipReason().map(r -> "skipped: " + r).orElse(run.artifacts(p).toString()));
      }
      return ExitStatus.PASS.code();
    }
    RunFacts facts =
        RunFacts.now(
            session.settings(),
            run.config().file().orElse(Path.of(run.config().name())),
            part(main.settings(), shard));
    facts.writeTo(run.artifactsRoot());
    out.println("   run " + facts.runId() + " (its KCIDB ids carry it; -Dpvh.run-id sets it)");
    Instant start = Instant.now();
    MatrixProgress counting = new MatrixProgress(run.cells().size(), out);
    List<MatrixRow> rows = new ArrayList<>();
    for (MatrixRunner.Outcome o : MatrixRunner.run(session, run, session.cellOptions(), counting)) {
      rows.add(
          o.skipped()
              ? MatrixRow.skipped(o.planned().cell(), o.planned().skipReason().orElseThrow())
              : MatrixRow.of(o.result()));
    }
    MatrixTable.print(rows, Duration.between(start, Instant.now()), run.artifactsRoot(), out);
    return MatrixTable.status(rows).code();
  }

  /**
   * The run a {@code pvpanic matrix} command line asks for; without flags, the same as the JUnit
   * matrix's for the same config (shard, parallelism and artifacts from the settings).
   */
  static MatrixRun plan(
      HarnessSession session,
      Path config,
      String shard,
      Path outDir,
      Integer parallel,
      boolean cold) {
    Path file = config == null ? session.settings().config() : config;
    return session.matrix(
        session.loadConfig(file),
        part(session.settings(), shard),
        Optional.ofNullable(outDir),
        parallel == null ? OptionalInt.empty() : OptionalInt.of(parallel),
        cold);
  }

  private static Shard part(Settings settings, String shard) {
    return shard == null ? Shard.configured(settings) : Shard.parse(shard);
  }
}
