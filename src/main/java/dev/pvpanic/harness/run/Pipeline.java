package dev.pvpanic.harness.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The slots of a run (one per guest the machine can run at once) and the work queued for them:
 * building an image, making a snapshot, running a cell. A task queues what it makes ready (an image
 * its snapshots and cells, a snapshot its cells), so a cell starts as soon as its own image and
 * snapshot exist, while the images other cells need are still being built.
 *
 * <p>Which task a free slot takes: the first slot makes snapshots first (short, and each unblocks
 * cells), then builds images, the highest rank first (the first image to build, then the slowest
 * builds, so their cells do not all wait at the end), and runs cells only when neither is left.
 * Every other slot runs cells, the longest first, as soon as one is ready (so a fresh run gives its
 * first verdicts while the rest of its snapshots are made); it makes a snapshot when no cell is
 * ready, and builds an image only when neither is, the lowest rank first (the quickest build, so it
 * is soon back to cells). No slot idles while any task is ready, never more tasks run than there
 * are slots (so image builds do not overload the cores the guests need), and at most one slot is on
 * a long image build while cells wait. Equal ranks keep the order they were queued in.
 */
final class Pipeline implements AutoCloseable {

  /** The kinds of work. */
  enum Kind {
    SNAPSHOT,
    CELL,
    IMAGE
  }

  private record Task(Kind kind, double rank, long order, Runnable work) {}

  /** A kind of task a slot takes, and whether the lowest rank first. */
  private record Take(Kind kind, boolean lowestFirst) {}

  private final Map<Kind, List<Task>> ready = new EnumMap<>(Kind.class);
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicLong order = new AtomicLong();
  private final Consumer<RuntimeException> failed;
  private int outstanding;
  private boolean closed;

  /**
   * @param slots how many tasks run at once
   * @param failed told of a task that threw (the task's own cell is told by the task itself)
   */
  Pipeline(int slots, Consumer<RuntimeException> failed) {
    if (slots < 1) {
      throw new IllegalArgumentException("a pipeline needs at least one slot, was " + slots);
    }
    this.failed = failed;
    for (Kind k : Kind.values()) {
      ready.put(k, new ArrayList<>());
    }
    for (int i = 0; i < slots; i++) {
      List<Take> preference =
          i == 0 && slots > 1
              ? List.of(
                  new Take(Kind.SNAPSHOT, false),
                  new Take(Kind.IMAGE, false),
                  new Take(Kind.CELL, false))
              : List.of(
                  new Take(Kind.CELL, false),
                  new Take(Kind.SNAPSHOT, false),
                  new Take(Kind.IMAGE, true));
      Thread t = new Thread(() -> work(preference), "slot-" + (i + 1));
      t.setDaemon(true);
      workers.add(t);
    }
    workers.forEach(Thread::start);
  }

  /** Queues {@code work}; it runs when a slot is free and nothing it prefers is ready. */
  synchronized void submit(Kind kind, double rank, Runnable work) {
    if (closed) {
      throw new IllegalStateException("the pipeline is closed");
    }
    outstanding++;
    ready.get(kind).add(new Task(kind, rank, order.getAndIncrement(), work));
    notifyAll();
  }

  /** Work to queue with its rank. */
  record Ranked(double rank, Runnable work) {}

  /**
   * Queues {@code tasks} as one step: no slot takes one before all of them are queued, so the ranks
   * choose among all of them, not the first one queued.
   */
  synchronized void submitAll(Kind kind, List<Ranked> tasks) {
    tasks.forEach(t -> submit(kind, t.rank(), t.work()));
  }

  /**
   * Waits until every queued task has run, and every task they queued: a task queues its followers
   * before it ends, so nothing is left once none is outstanding.
   */
  synchronized void awaitDone() throws InterruptedException {
    while (outstanding > 0) {
      wait();
    }
  }

  private void work(List<Take> preference) {
    while (true) {
      Task task;
      synchronized (this) {
        task = next(preference);
        while (task == null) {
          if (closed) {
            return;
          }
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
          task = next(preference);
        }
      }
      try {
        task.work().run();
      } catch (RuntimeException e) {
        failed.accept(e);
      } finally {
        synchronized (this) {
          outstanding--;
          notifyAll();
        }
      }
    }
  }

  private Task next(List<Take> preference) {
    for (Take take : preference) {
      List<Task> tasks = ready.get(take.kind());
      if (tasks.isEmpty()) {
        continue;
      }
      Comparator<Task> byRank = Comparator.comparingDouble(Task::rank);
      Comparator<Task> best =
          (take.lowestFirst() ? byRank.reversed() : byRank)
              .thenComparing(Comparator.comparingLong(Task::order).reversed());
      Task t = java.util.Collections.max(tasks, best);
      tasks.remove(t);
      return t;
    }
    return null;
  }

  /** Stops the slots once they finish what they run; tasks still queued never run. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      ready.values().forEach(List::clear);
      notifyAll();
    }
  }
}
