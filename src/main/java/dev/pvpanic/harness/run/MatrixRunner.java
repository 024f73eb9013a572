package dev.pvpanic.harness.run;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.MachineException;
import dev.pvpanic.harness.matrix.CellCost;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.snapshot.SnapshotKey;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs a set of cells: the one way the command line, the JUnit matrix, the snapshot test, the
 * regression suite and the benchmark run more than one cell. Cells that cannot run here and cells
 * whose image does not build are recorded like any other (a cell.json with the reason); the
 * snapshots the cells restore are made first, several at once, so no cell waits for another to boot
 * one; then the cells run several guests at a time, the longest first, so the slots stay busy to
 * the end. Each guest has its own run folder and artifacts folder, so cells share nothing but the
 * snapshot store, which serialises the making of one key.
 */
public final class MatrixRunner {

  /** What a run tells as it goes (progress on a terminal, a test's log); each says nothing. */
  public interface Listener {
    default void phase(String line) {}

    default void skipped(PlannedCell cell, String reason) {}

    default void broken(PlannedCell cell, String why) {}

    default void finished(CellResult result) {}

    /** A listener that prints each phase line to {@code out}. */
    static Listener phases(java.io.PrintStream out) {
      return new Listener() {
        @Override
        public void phase(String line) {
          out.println("  .. " + line);
        }
      };
    }
  }

  /** One cell of a run and how it ended. */
  public record Outcome(PlannedCell planned, CellResult result) {
    /** Whether the cell was left out before anything ran (it cannot run here). */
    public boolean skipped() {
      return planned.skipReason().isPresent();
    }
  }

  /** One cell to run, its image, and where its artifacts go. */
  public record Job(PlannedCell planned, GuestImage image, Path artifacts) {}

  /** How making or finding one key's snapshot went. */
  public record Prepared(
      SnapshotKey key, Job firstJob, SnapshotStore.Lookup lookup, Duration took) {}

  private final int parallelism;
  private final int retryInfra;
  private final Listener listener;

  public MatrixRunner(int parallelism) {
    this(parallelism, 0, new Listener() {});
  }

  /** Runs cells {@code parallelism} at a time, running infrastructure errors again. */
  MatrixRunner(int parallelism, int retryInfra, Listener listener) {
    this.retryInfra = retryInfra;
    this.listener = listener;
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    this.parallelism = parallelism;
  }

  public int parallelism() {
    return parallelism;
  }

  /** Runs every cell of {@code run}; the outcomes come in the run's order. */
  public static List<Outcome> run(
      HarnessSession session, MatrixRun run, CellOptions options, Listener listener) {
    List<Outcome> out = new ArrayList<>();
    for (CompletableFuture<Outcome> f : start(session, run, options, listener).values()) {
      out.add(f.join());
    }
    return out;
  }

  /**
   * Starts every cell of {@code run} in the background; each cell's outcome completes its future
   * (in the run's order, keyed by cell id). A test adapter waits on its cell's.
   */
  public static Map<String, CompletableFuture<Outcome>> start(
      HarnessSession session, MatrixRun run, CellOptions options, Listener listener) {
    Map<String, CompletableFuture<Outcome>> futures = new LinkedHashMap<>();
    run.cells().forEach(p -> futures.put(p.cell().id(), new CompletableFuture<>()));
    Thread t =
        new Thread(
            () -> {
              try {
                runAll(session, run, options, listener, futures);
              } catch (RuntimeException e) {
                futures.values().forEach(f -> f.completeExceptionally(e));
              }
            },
            "matrix-" + run.config().name());
    t.setDaemon(true);
    t.start();
    return futures;
  }

  private static void runAll(
      HarnessSession session,
      MatrixRun run,
      CellOptions cellOptions,
      Listener listener,
      Map<String, CompletableFuture<Outcome>> futures) {
    CellOptions options =
        cellOptions.withProgress(listener::phase).withCold(run.cold() || cellOptions.cold());
    List<Job> jobs = new ArrayList<>();
    Map<Job, PlannedCell> plannedOf = new LinkedHashMap<>();
    for (PlannedCell p : run.cells()) {
      Optional<Outcome> notRun = notRun(session, run, p, listener);
      if (notRun.isPresent()) {
        futures.get(p.cell().id()).complete(notRun.get());
        continue;
      }
      Job job = new Job(p, session.images().image(p.recipe().imageName()), run.artifacts(p));
      jobs.add(job);
      plannedOf.put(job, p);
    }
    MatrixRunner runner = new MatrixRunner(run.parallelism(), run.retryInfra(), listener);
    CellRunner cells = session.runner(options);
    if (!options.cold()) {
      runner.prepareSnapshots(jobs, cells);
    }
    runner.runEach(
        jobs,
        cells,
        (job, result) -> {
          listener.finished(result);
          futures.get(job.planned().cell().id()).complete(new Outcome(plannedOf.get(job), result));
        });
  }

  /**
   * The outcome of a cell that does not run: skipped, its image lacks what its trigger loads, or
   * its image did not build.
   */
  private static Optional<Outcome> notRun(
      HarnessSession session, MatrixRun run, PlannedCell p, Listener listener) {
    if (p.skipReason().isPresent()) {
      listener.skipped(p, p.skipReason().get());
      return Optional.of(
          new Outcome(
              p,
              CellRunner.notRun(
                  p.cell(), Verdict.NOT_APPLICABLE, p.skipReason().get(), run.artifacts(p))));
    }
    try {
      dev.pvpanic.harness.image.GuestImage image = session.images().image(p.recipe().imageName());
      // the image's manifest says whether it brings what the trigger loads: refused before any
      // snapshot is made or guest boots
      if (dev.pvpanic.harness.oracle.Oracle.applicability(
              p.cell().setup(image.arch()), image.facts())
          instanceof dev.pvpanic.harness.oracle.Applicability.NotApplicable na) {
        listener.skipped(p, na.reason());
        return Optional.of(
            new Outcome(
                p,
                CellRunner.notRun(
                    p.cell(), Verdict.NOT_APPLICABLE, na.reason(), run.artifacts(p))));
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      String why = "image " + p.recipe().name() + " could not be built: " + e.getMessage();
      listener.broken(p, why);
      return Optional.of(
          new Outcome(
              p, CellRunner.notRun(p.cell(), Verdict.INFRASTRUCTURE_ERROR, why, run.artifacts(p))));
    }
  }

  /** Runs every job with {@code runner}; the results come in the order of {@code jobs}. */
  public List<CellResult> runAll(List<Job> jobs, CellRunner runner) {
    Map<Job, CellResult> results = new LinkedHashMap<>();
    runEach(jobs, runner, (job, r) -> results.put(job, r));
    List<CellResult> out = new ArrayList<>();
    jobs.forEach(j -> out.add(results.get(j)));
    return out;
  }

  private interface ResultSink {
    void accept(Job job, CellResult result);
  }

  private void runEach(List<Job> jobs, CellRunner runner, ResultSink sink) {
    Map<Job, Future<CellResult>> running = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, daemon("cell"));
    try {
      for (Job job : longestFirst(jobs)) {
        running.put(
            job,
            pool.submit(
                () -> {
                  CellResult r = runWithRetries(job, runner);
                  synchronized (sink) {
                    sink.accept(job, r);
                  }
                  return r;
                }));
      }
      for (Map.Entry<Job, Future<CellResult>> e : running.entrySet()) {
        await(e.getValue(), e.getKey().planned().displayName());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs {@code job}; while its verdict is an infrastructure error and retries are left, keeps that
   * attempt's artifacts under {@code attempts/<k>/} in the cell's folder and runs it again. The
   * cell's {@code attempts.txt} lists every attempt's verdict.
   */
  private CellResult runWithRetries(Job job, CellRunner runner) {
    if (dev.pvpanic.harness.Interruption.requested()) {
      return CellRunner.notRun(
          job.planned().cell(),
          Verdict.INTERRUPTED,
          "not started: the run was interrupted (Ctrl-C)",
          job.artifacts());
    }
    CellResult r =
        runner.run(job.planned().cell(), job.image(), job.planned().qemu(), job.artifacts());
    List<String> attempts = new ArrayList<>();
    for (int k = 1; r.verdict() == Verdict.INFRASTRUCTURE_ERROR && k <= retryInfra; k++) {
      attempts.add("attempt " + k + ": " + r.verdict() + ": " + firstLine(r.message()));
      keepAttempt(job.artifacts(), k);
      listener.phase(
          job.planned().displayName()
              + ": infrastructure error, running it again ("
              + (k + 1)
              + " of "
              + (retryInfra + 1)
              + "; attempt "
              + k
              + " kept in attempts/"
              + k
              + ")");
      r = runner.run(job.planned().cell(), job.image(), job.planned().qemu(), job.artifacts());
    }
    if (!attempts.isEmpty()) {
      attempts.add("attempt " + (attempts.size() + 1) + ": " + r.verdict() + " (the verdict)");
      try {
        Files.writeString(
            job.artifacts().resolve("attempts.txt"), String.join("\n", attempts) + "\n");
      } catch (IOException e) {
        // the attempts' folders are there
      }
    }
    return r;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Moves the files of a cell's folder into {@code attempts/<k>/}. */
  private static void keepAttempt(Path folder, int k) {
    Path keep = folder.resolve("attempts").resolve(String.valueOf(k));
    try (Stream<Path> files = Files.list(folder)) {
      Files.createDirectories(keep);
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.move(f, keep.resolve(f.getFileName()));
      }
    } catch (IOException e) {
      // the next attempt overwrites what could not be kept
    }
  }

  /**
   * Finds or makes the snapshot of every distinct key among {@code jobs}, several at once, before
   * any cell runs: then no cell waits for another to boot its snapshot.
   */
  public List<Prepared> prepareSnapshots(List<Job> jobs, CellRunner runner) {
    Map<String, Job> firstOfKey = new LinkedHashMap<>();
    Map<String, SnapshotKey> keys = new LinkedHashMap<>();
    for (Job job : longestFirst(jobs)) {
      try {
        SnapshotKey key =
            runner.snapshotKey(job.planned().cell(), job.image(), job.planned().qemu());
        firstOfKey.putIfAbsent(key.hash(), job);
        keys.putIfAbsent(key.hash(), key);
      } catch (MachineException e) {
        // The cell will boot cold and say why; nothing to prepare.
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, daemon("snapshot"));
    try {
      List<Future<Prepared>> futures = new ArrayList<>();
      for (Map.Entry<String, Job> e : firstOfKey.entrySet()) {
        Job job = e.getValue();
        SnapshotKey key = keys.get(e.getKey());
        futures.add(
            pool.submit(
                () -> {
                  Instant start = Instant.now();
                  SnapshotStore.Lookup found =
                      runner.prepareSnapshot(
                          job.planned().cell(), job.image(), job.planned().qemu());
                  return new Prepared(key, job, found, Duration.between(start, Instant.now()));
                }));
      }
      List<Prepared> out = new ArrayList<>();
      for (Future<Prepared> f : futures) {
        out.add(await(f, "a snapshot"));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Job> longestFirst(List<Job> jobs) {
    return jobs.stream()
        .sorted(
            Comparator.comparingDouble((Job j) -> CellCost.estimateSeconds(j.planned())).reversed())
        .toList();
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HarnessException("interrupted while running " + what, e);
    } catch (ExecutionException e) {
      throw new HarnessException(
          "running " + what + " failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
