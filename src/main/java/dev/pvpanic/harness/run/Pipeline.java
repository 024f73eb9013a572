package dev.pvpanic.harness.run;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The slots of a run (one per guest the machine can run at once) and the work queued for them:
 * building an image, making a snapshot, running a cell. A task queues what it makes ready (an image
 * its snapshots and cells, a snapshot its cells), so a cell starts as soon as its own image and
 * snapshot exist, while the images other cells need are still being built.
 *
 * <p>Which task a free slot takes: the first slot prefers images (then snapshots, then cells), so
 * images keep being built beside the cells of the images already made; every other slot prefers
 * snapshots (short, and each unblocks cells), then cells, then images. No slot idles while any task
 * is ready, and never more tasks run than there are slots, so image builds do not overload the
 * cores the guests need. Within a kind, the higher rank goes first (the longest cell, the image to
 * build first); equal ranks keep the order they were queued in.
 */
final class Pipeline implements AutoCloseable {

  /** The kinds of work, in the order a slot other than the first prefers them. */
  enum Kind {
    SNAPSHOT,
    CELL,
    IMAGE
  }

  private record Task(Kind kind, double rank, long order, Runnable work) {}

  private final Map<Kind, PriorityQueue<Task>> ready = new EnumMap<>(Kind.class);
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
      ready.put(
          k,
          new PriorityQueue<>(
              (a, b) ->
                  a.rank() != b.rank()
                      ? Double.compare(b.rank(), a.rank())
                      : Long.compare(a.order(), b.order())));
    }
    for (int i = 0; i < slots; i++) {
      List<Kind> preference =
          i == 0 && slots > 1
              ? List.of(Kind.IMAGE, Kind.SNAPSHOT, Kind.CELL)
              : List.of(Kind.SNAPSHOT, Kind.CELL, Kind.IMAGE);
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

  /**
   * Waits until every queued task has run, and every task they queued: a task queues its followers
   * before it ends, so nothing is left once none is outstanding.
   */
  synchronized void awaitDone() throws InterruptedException {
    while (outstanding > 0) {
      wait();
    }
  }

  private void work(List<Kind> preference) {
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

  private Task next(List<Kind> preference) {
    for (Kind k : preference) {
      Task t = ready.get(k).poll();
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  /** Stops the slots once they finish what they run; tasks still queued never run. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      ready.values().forEach(PriorityQueue::clear);
      notifyAll();
    }
  }
}
