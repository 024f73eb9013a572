package dev.pvpanic.harness.faults;

import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.MachineHooks;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A fault campaign: N cells of a config (cycling through its runnable cells), a seeded share of
 * them struck by a fault at a random moment after QEMU starts: a seeded fraction of the time that
 * cell last took without a fault (so in any phase: restore or boot, arming, trigger, collection),
 * and every cell checked for the verdict its fault must get and for leaks: a fault that strikes
 * before the verdict is an infrastructure error, never a product verdict; a cell no fault struck
 * passes; and no QEMU process or run folder outlives its cell. The same seed gives the same faults
 * at the same delays, so a failing campaign can be replayed.
 */
public final class FaultCampaign {

  private final long seed;
  private final double rate;
  private final Duration maxDelay;

  public FaultCampaign(long seed, double rate, Duration maxDelay) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("rate must be in [0, 1], was " + rate);
    }
    this.seed = seed;
    this.rate = rate;
    this.maxDelay = maxDelay;
  }

  /**
   * The fault of each of {@code n} cells and when it strikes, as a fraction of {@code maxDelay} (a
   * function of the seed alone); {@link #run} scales it to the cell's own duration.
   */
  public List<Map.Entry<Fault, Duration>> plan(int n) {
    Random random = new Random(seed);
    Fault[] kinds = java.util.Arrays.copyOfRange(Fault.values(), 1, Fault.values().length);
    List<Map.Entry<Fault, Duration>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean strike = random.nextDouble() < rate;
      Fault f = strike ? kinds[random.nextInt(kinds.length)] : Fault.NONE;
      Duration d = Duration.ofMillis((long) (random.nextDouble() * maxDelay.toMillis()));
      out.add(Map.entry(f, d));
    }
    return out;
  }

  /**
   * Runs {@code n} cells of {@code run} ({@code parallel} at a time) under the planned faults.
   *
   * @param log one line per finished cell
   */
  public List<Strike> run(
      HarnessSession session,
      MatrixRun run,
      Path configFile,
      int n,
      int parallel,
      Path out,
      Consumer<String> log) {
    List<PlannedCell> runnable =
        run.cells().stream().filter(p -> p.skipReason().isEmpty()).toList();
    if (runnable.isEmpty()) {
      throw new IllegalArgumentException(run.config().name() + " has no cell that runs here");
    }
    List<Map.Entry<Fault, Duration>> plan = plan(n);
    // bounds short enough that a stopped QEMU is found in seconds, long enough for TCG guests
    CellOptions base =
        session
            .cellOptions()
            .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(90))
            .withBootTimeouts(Duration.ofSeconds(90), Duration.ofSeconds(60));
    warmSnapshots(session, runnable, base, parallel, out);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Strike> strikes = Collections.synchronizedList(new ArrayList<>());
    Cells cells = new Cells(session, base, timer, out, configFile);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        PlannedCell p = runnable.get(i % runnable.size());
        Map.Entry<Fault, Duration> f = plan.get(i);
        futures.add(
            pool.submit(
                () -> {
                  Strike s = cells.strike(index, p, f.getKey(), f.getValue(), maxDelay);
                  strikes.add(s);
                  log.accept(line(s));
                }));
      }
      awaitAll(futures);
    } finally {
      pool.shutdownNow();
      timer.shutdownNow();
    }
    List<Strike> sorted = new ArrayList<>(strikes);
    sorted.sort(java.util.Comparator.comparingInt(Strike::index));
    return sorted;
  }

  /** Makes every runnable cell's snapshot first, so the faults strike cells, not snapshots. */
  private static void warmSnapshots(
      HarnessSession session,
      List<PlannedCell> runnable,
      CellOptions base,
      int parallel,
      Path out) {
    List<MatrixRunner.Job> warm = new ArrayList<>();
    for (PlannedCell p : runnable) {
      warm.add(
          new MatrixRunner.Job(
              p,
              session.images().image(p.recipe().imageName()),
              out.resolve("snapshot-" + p.cell().id())));
    }
    new MatrixRunner(parallel).prepareSnapshots(warm, session.runner(base));
  }

  private static void awaitAll(List<Future<?>> futures) {
    for (Future<?> fu : futures) {
      try {
        fu.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(
            "a campaign cell failed to run: " + e.getCause(), e.getCause());
      }
    }
  }

  /**
   * The campaign's cells as they run: each struck at its planned fraction of how long that cell
   * last took unfaulted; a fault on the cache or the JVM with no other cell running.
   */
  private static final class Cells {
    private final HarnessSession session;
    private final CellOptions base;
    private final ScheduledExecutorService timer;
    private final Path out;
    private final Path configFile;
    private final Map<String, Duration> clean = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.locks.ReadWriteLock alone =
        new java.util.concurrent.locks.ReentrantReadWriteLock(true);

    Cells(
        HarnessSession session,
        CellOptions base,
        ScheduledExecutorService timer,
        Path out,
        Path configFile) {
      this.session = session;
      this.base = base;
      this.timer = timer;
      this.out = out;
      this.configFile = configFile;
    }

    Strike strike(int index, PlannedCell p, Fault fault, Duration planned, Duration maxDelay) {
      // the planned fraction of how long this cell last took unfaulted
      Duration window =
          clean.getOrDefault(p.cell().id(), Duration.ofMillis(p.cell().kdump() ? 10_000 : 500));
      // within the first 80 %: QEMU starts after the cell's own preparation
      Duration delay =
          Duration.ofMillis(window.toMillis() * 8 / 10 * planned.toMillis() / maxDelay.toMillis());
      java.util.concurrent.locks.Lock held = fault.alone() ? alone.writeLock() : alone.readLock();
      held.lock();
      Strike s;
      try {
        s =
            fault.alone()
                ? AtRestFaults.one(session, base, index, p, fault, delay, out, configFile)
                : one(session, base, timer, index, p, fault, delay, out);
      } finally {
        held.unlock();
      }
      if (s.fault() == Fault.NONE && s.verdict() == Verdict.PASS) {
        clean.put(p.cell().id(), s.toVerdict());
      }
      return s;
    }
  }

  private static Strike one(
      HarnessSession session,
      CellOptions base,
      ScheduledExecutorService timer,
      int index,
      PlannedCell p,
      Fault fault,
      Duration delay,
      Path out) {
    AtomicBoolean judged = new AtomicBoolean();
    AtomicReference<Instant> struck = new AtomicReference<>();
    AtomicReference<Long> pid = new AtomicReference<>();
    MachineHooks hooks =
        new MachineHooks() {
          @Override
          public void launched(QemuMachine m) {
            pid.set(m.pid());
            if (fault != Fault.NONE) {
              timer.schedule(
                  () -> {
                    synchronized (judged) {
                      if (!judged.get() && m.isAlive()) {
                        strike(fault, m);
                        struck.set(Instant.now());
                      }
                    }
                  },
                  delay.toMillis(),
                  TimeUnit.MILLISECONDS);
            }
          }

          @Override
          public void beforeClose(CellResult result, QemuMachine m) {
            synchronized (judged) {
              judged.set(true);
            }
          }
        };
    Path artifacts = out.resolve(String.format("%04d-%s", index, p.cell().id()));
    Instant runStart = Instant.now();
    CellResult r =
        session
            .runner(base.withHooks(hooks))
            .run(p.cell(), session.images().image(p.recipe().imageName()), p.qemu(), artifacts);
    Instant end = Instant.now();
    // struck before the verdict was decided (not merely before the machine closed)
    boolean delivered = struck.get() != null && struck.get().isBefore(runStart.plus(r.total()));
    // while the judge reads its last observations a fault may come after them (the verdict
    // stands) or before (an infrastructure error): both are right there, nothing else is
    Duration beforeJudging =
        r.phases().entrySet().stream()
            .filter(e -> !List.of("judge", "teardown", "recover", "dump").contains(e.getKey()))
            .map(Map.Entry::getValue)
            .reduce(Duration.ZERO, Duration::plus);
    boolean atVerdict = delivered && !struck.get().isBefore(runStart.plus(beforeJudging));
    Verdict want = delivered ? Verdict.INFRASTRUCTURE_ERROR : Verdict.PASS;
    boolean right =
        r.verdict() == want
            || (atVerdict
                && (r.verdict() == Verdict.PASS || r.verdict() == Verdict.INFRASTRUCTURE_ERROR));
    List<String> leaks = new ArrayList<>();
    Long qemuPid = pid.get();
    if (qemuPid != null) {
      Optional<ProcessHandle> h = ProcessHandle.of(qemuPid);
      if (h.isPresent() && h.get().isAlive()) {
        leaks.add("QEMU pid " + qemuPid + " still runs");
      }
    }
    return new Strike(
        index,
        p.cell().displayName(),
        fault,
        delay,
        delivered,
        r.verdict(),
        struck.get() != null ? Duration.between(struck.get(), end) : r.total(),
        right,
        leaks,
        artifacts,
        "");
  }

  private static void strike(Fault f, QemuMachine m) {
    switch (f) {
      case QEMU_SIGKILL -> signal("KILL", m.pid());
      case QEMU_SIGSTOP -> signal("STOP", m.pid());
      case QMP_SOCKET_SHUT -> m.qmp().close();
      case CONSOLE_SOCKET_SHUT -> m.console().close();
      default -> throw new IllegalArgumentException(f + " does not strike a running QEMU");
    }
  }

  private static void signal(String name, long pid) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(pid))
          .start()
          .waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + name + " to " + pid + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String line(Strike s) {
    return String.format(
        "%4d %-20s %-8s %-20s %7s  %s%s",
        s.index(),
        s.fault().id() + (s.fault() != Fault.NONE && !s.delivered() ? " (late)" : ""),
        s.right() ? "right" : "WRONG",
        s.verdict(),
        DurationText.of(s.toVerdict()),
        s.cell(),
        (s.detail().isEmpty() ? "" : "  (" + s.detail() + ")")
            + (s.leaks().isEmpty() ? "" : "  LEAK: " + s.leaks()));
  }

  /** Per fault kind: cells, struck before the verdict, right verdicts, verdicts, times. */
  public static String table(List<Strike> strikes) {
    Map<Fault, List<Strike>> by = new EnumMap<>(Fault.class);
    strikes.forEach(s -> by.computeIfAbsent(s.fault(), k -> new ArrayList<>()).add(s));
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-20s %5s %7s %6s  %-44s %9s %9s %6s%n",
            "fault", "cells", "struck", "right", "verdicts", "median", "max", "leaks"));
    for (Map.Entry<Fault, List<Strike>> e : by.entrySet()) {
      List<Strike> l = e.getValue();
      Map<String, Integer> verdicts = new TreeMap<>();
      l.forEach(s -> verdicts.merge(s.verdict().name(), 1, Integer::sum));
      List<Duration> times = l.stream().map(Strike::toVerdict).sorted().toList();
      sb.append(
          String.format(
              "%-20s %5d %7d %6d  %-44s %9s %9s %6d%n",
              e.getKey().id(),
              l.size(),
              l.stream().filter(Strike::delivered).count(),
              l.stream().filter(Strike::right).count(),
              verdicts.toString(),
              DurationText.of(times.get(times.size() / 2)),
              DurationText.of(times.get(times.size() - 1)),
              l.stream().mapToInt(s -> s.leaks().size()).sum()));
    }
    return sb.toString();
  }
}
