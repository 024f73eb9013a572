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
 * whose image does not build are recorded like any other (a cell.json with the reason). A run is a
 * {@link Pipeline} over as many slots as guests run at once: each image is built once, then the
 * snapshot its cells restore is made once per key, then the cells run, the longest first; so a cell
 * starts as soon as its own image and snapshot exist, while other images are still being built, and
 * no slot idles while anything is ready. Each guest has its own run folder and artifacts folder, so
 * cells share nothing but the image builder and the snapshot store, which serialise the making of
 * one image and of one key.
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
    Map<String, List<PlannedCell>> byImage = new LinkedHashMap<>();
    for (PlannedCell p : run.cells()) {
      if (p.skipReason().isPresent()) {
        listener.skipped(p, p.skipReason().get());
        futures
            .get(p.cell().id())
            .complete(notRun(p, Verdict.NOT_APPLICABLE, p.skipReason().get(), run));
      } else {
        byImage.computeIfAbsent(p.recipe().imageName(), k -> new ArrayList<>()).add(p);
      }
    }
    MatrixRunner runner = new MatrixRunner(run.parallelism(), run.retryInfra(), listener);
    CellRunner cells = session.runner(options);
    List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Pipeline pipe = new Pipeline(run.parallelism(), failures::add)) {
      Map<String, SnapshotGate> gates = new LinkedHashMap<>();
      Map<String, Double> ranks = buildRanks(byImage);
      // every image queued before a slot takes one, so the ranks choose the first builds
      List<Pipeline.Ranked> images = new ArrayList<>();
      for (Map.Entry<String, List<PlannedCell>> e : byImage.entrySet()) {
        String name = e.getKey();
        List<PlannedCell> its = e.getValue();
        images.add(
            new Pipeline.Ranked(
                ranks.get(name),
                () -> {
                  Optional<GuestImage> image =
                      buildImage(session, name, its, run, listener, futures);
                  if (image.isEmpty()) {
                    return;
                  }
                  for (PlannedCell p : its) {
                    Optional<String> why = notApplicable(p, image.get());
                    if (why.isPresent()) {
                      listener.skipped(p, why.get());
                      futures
                          .get(p.cell().id())
                          .complete(notRun(p, Verdict.NOT_APPLICABLE, why.get(), run));
                      continue;
                    }
                    Job job = new Job(p, image.get(), run.artifacts(p));
                    Runnable queueCell =
                        () ->
                            pipe.submit(
                                Pipeline.Kind.CELL,
                                CellCost.estimateSeconds(p),
                                () -> runner.runAndTell(job, cells, futures));
                    if (options.cold()) {
                      queueCell.run();
                    } else {
                      runner.afterSnapshot(job, cells, pipe, gates, queueCell);
                    }
                  }
                }));
      }
      pipe.submitAll(Pipeline.Kind.IMAGE, images);
      pipe.awaitDone();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HarnessException("interrupted while running the matrix " + run.config().name(), e);
    }
    RuntimeException cause = failures.isEmpty() ? null : failures.get(0);
    futures.values().stream()
        .filter(f -> !f.isDone())
        .forEach(
            f ->
                f.completeExceptionally(
                    cause != null
                        ? cause
                        : new HarnessException("the matrix ended without this cell's outcome")));
  }

  /**
   * The images' ranks for the {@link Pipeline}: the highest of all for the quickest to build for
   * the most cell time, so the first verdict comes soonest; then the image whose longest cell is
   * longest (a long cell started late leaves the other slot idle at the end: a Debian system's
   * kdump cell), the slower build first among equals. The image slot builds the highest rank first;
   * another slot, free of cells, the lowest.
   */
  static Map<String, Double> buildRanks(Map<String, List<PlannedCell>> byImage) {
    Map<String, Double> ranks = new LinkedHashMap<>();
    byImage.forEach(
        (name, cells) ->
            ranks.put(
                name,
                cells.stream().mapToDouble(CellCost::estimateSeconds).max().orElse(0)
                    + CellCost.imageBuildSeconds(cells.get(0).recipe()) / 10_000));
    byImage.entrySet().stream()
        .max(
            Comparator.comparingDouble(
                e ->
                    e.getValue().stream().mapToDouble(CellCost::estimateSeconds).sum()
                        / CellCost.imageBuildSeconds(e.getValue().get(0).recipe())))
        .ifPresent(e -> ranks.put(e.getKey(), Double.MAX_VALUE));
    return ranks;
  }

  /** Builds the image of {@code cells}; when it does not build, their outcome says why. */
  private static Optional<GuestImage> buildImage(
      HarnessSession session,
      String name,
      List<PlannedCell> cells,
      MatrixRun run,
      Listener listener,
      Map<String, CompletableFuture<Outcome>> futures) {
    if (dev.pvpanic.harness.Interruption.requested()) {
      // after a Ctrl-C nothing more is built: the cells are recorded as not started
      for (PlannedCell p : cells) {
        futures
            .get(p.cell().id())
            .complete(
                notRun(
                    p, Verdict.INTERRUPTED, "not started: the run was interrupted (Ctrl-C)", run));
      }
      return Optional.empty();
    }
    Instant start = Instant.now();
    listener.phase("image " + name + ": making it for " + cellsText(cells));
    try {
      GuestImage image = session.images().image(name);
      listener.phase(
          "image "
              + name
              + ": ready after "
              + Duration.between(start, Instant.now()).toSeconds()
              + " s; its "
              + cells.size()
              + (cells.size() == 1 ? " cell is" : " cells are")
              + " queued");
      return Optional.of(image);
    } catch (RuntimeException e) {
      for (PlannedCell p : cells) {
        String why = "image " + p.recipe().name() + " could not be built: " + e.getMessage();
        listener.broken(p, why);
        futures.get(p.cell().id()).complete(notRun(p, Verdict.INFRASTRUCTURE_ERROR, why, run));
      }
      return Optional.empty();
    }
  }

  private static String cellsText(List<PlannedCell> cells) {
    int shown = Math.min(3, cells.size());
    String names =
        String.join(", ", cells.subList(0, shown).stream().map(c -> c.cell().id()).toList());
    return cells.size()
        + (cells.size() == 1 ? " cell (" : " cells (")
        + names
        + (cells.size() > shown ? ", ..." : "")
        + ")";
  }

  /**
   * Why the cell cannot run on its image, if it cannot: the image's manifest says whether it brings
   * what the trigger loads, refused before any snapshot is made or guest boots.
   */
  private static Optional<String> notApplicable(PlannedCell p, GuestImage image) {
    if (dev.pvpanic.harness.oracle.Oracle.applicability(p.cell().setup(image.arch()), image.facts())
        instanceof dev.pvpanic.harness.oracle.Applicability.NotApplicable na) {
      return Optional.of(na.reason());
    }
    return Optional.empty();
  }

  private static Outcome notRun(PlannedCell p, Verdict verdict, String why, MatrixRun run) {
    return new Outcome(p, CellRunner.notRun(p.cell(), verdict, why, run.artifacts(p)));
  }

  /** Runs a cell and completes its future; a cell that throws completes it with the exception. */
  private void runAndTell(
      Job job, CellRunner cells, Map<String, CompletableFuture<Outcome>> futures) {
    CompletableFuture<Outcome> f = futures.get(job.planned().cell().id());
    try {
      CellResult r = runWithRetries(job, cells);
      listener.finished(r);
      f.complete(new Outcome(job.planned(), r));
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
      throw e;
    }
  }

  /**
   * The cells that restore one snapshot key, waiting for it: the first to arrive queues its making,
   * the rest (and it) are queued to run once it is made, or once making it failed (each cell then
   * boots and says why).
   */
  private static final class SnapshotGate {
    private final List<Runnable> waiting = new ArrayList<>();
    private boolean open;

    /** Runs {@code then} now if the snapshot is there, or when it is. */
    synchronized void then(Runnable then) {
      if (open) {
        then.run();
      } else {
        waiting.add(then);
      }
    }

    void open() {
      List<Runnable> now;
      synchronized (this) {
        open = true;
        now = List.copyOf(waiting);
        waiting.clear();
      }
      now.forEach(Runnable::run);
    }
  }

  /**
   * Queues {@code queueCell} once the snapshot {@code job} restores exists (made now if need be).
   */
  private void afterSnapshot(
      Job job,
      CellRunner cells,
      Pipeline pipe,
      Map<String, SnapshotGate> gates,
      Runnable queueCell) {
    SnapshotKey key;
    try {
      key = cells.snapshotKey(job.planned().cell(), job.image(), job.planned().qemu());
    } catch (MachineException e) {
      queueCell.run(); // the cell boots cold and says why
      return;
    }
    SnapshotGate gate;
    boolean first;
    synchronized (gates) {
      first = !gates.containsKey(key.hash());
      gate = gates.computeIfAbsent(key.hash(), k -> new SnapshotGate());
    }
    gate.then(queueCell);
    if (first) {
      pipe.submit(
          Pipeline.Kind.SNAPSHOT,
          CellCost.estimateSeconds(job.planned()),
          () -> {
            try {
              if (!dev.pvpanic.harness.Interruption.requested()) {
                cells.prepareSnapshot(job.planned().cell(), job.image(), job.planned().qemu());
              }
            } catch (RuntimeException e) {
              listener.phase(
                  job.planned().displayName()
                      + ": its snapshot could not be made ("
                      + e.getMessage()
                      + "); its cells boot without it");
            } finally {
              gate.open();
            }
          });
    }
  }

  /**
   * Runs every job with {@code runner} on this runner's slots, the longest first; the results come
   * in the order of {@code jobs}. A job that throws ends the run with its exception once the others
   * have run.
   */
  public List<CellResult> runAll(List<Job> jobs, CellRunner runner) {
    Map<Job, CellResult> results = new java.util.concurrent.ConcurrentHashMap<>();
    List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Pipeline pipe = new Pipeline(parallelism, failures::add)) {
      for (Job job : jobs) {
        pipe.submit(
            Pipeline.Kind.CELL,
            CellCost.estimateSeconds(job.planned()),
            () -> results.put(job, runWithRetries(job, runner)));
      }
      pipe.awaitDone();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HarnessException("interrupted while running " + jobs.size() + " cells", e);
    }
    if (!failures.isEmpty()) {
      throw new HarnessException(
          "running a cell failed: " + failures.get(0).getMessage(), failures.get(0));
    }
    return jobs.stream().map(results::get).toList();
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
   * any cell runs: for the benchmark and the fault campaign, whose cells must time and fault a
   * cell, not the making of its snapshot (a matrix run makes each as its cells need it).
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
