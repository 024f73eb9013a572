package dev.pvpanic.harness.scenario;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.MachineException;
import dev.pvpanic.harness.matrix.CellCost;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs cells several guests at a time, the longest first ({@link CellCost}), so the slots stay busy
 * to the end. Each guest already has its own run folder (QMP and console sockets) and artifacts
 * folder, so cells share nothing but the snapshot store, which serialises the making of one key.
 */
public final class CellScheduler {
  private final int parallelism;

  /** One cell to run, its image, and where its artifacts go. */
  public record Job(PlannedCell planned, GuestImage image, Path artifacts) {}

  /** How making or finding one key's snapshot went. */
  public record Prepared(
      SnapshotKey key, Job firstJob, SnapshotStore.Lookup lookup, Duration took) {}

  public CellScheduler(int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    this.parallelism = parallelism;
  }

  public int parallelism() {
    return parallelism;
  }

  /** Runs every job with {@code runner}; the results come in the order of {@code jobs}. */
  public List<CellResult> runAll(List<Job> jobs, CellRunner runner) {
    Map<Job, Future<CellResult>> running = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallelism, daemon("cell"));
    try {
      for (Job job : longestFirst(jobs)) {
        running.put(
            job,
            pool.submit(
                () ->
                    runner.run(
                        job.planned().cell(), job.image(), job.planned().qemu(), job.artifacts())));
      }
      List<CellResult> results = new ArrayList<>();
      for (Job job : jobs) {
        results.add(await(running.get(job), job.planned().displayName()));
      }
      return results;
    } finally {
      pool.shutdownNow();
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
            CellRunner.snapshotKey(job.planned().cell(), job.image(), job.planned().qemu());
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

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
