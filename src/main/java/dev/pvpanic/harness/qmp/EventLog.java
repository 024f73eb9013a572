package dev.pvpanic.harness.qmp;

import dev.pvpanic.harness.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event of one QMP connection, in arrival order. Append-only and thread-safe: waiting for an
 * event looks at the whole history and never removes anything, so no event is lost between waits
 * and the full sequence stays available for the final check.
 */
public final class EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

  /** Failure messages list at most this many events; a cell normally sees a handful. */
  private static final int LISTED_EVENTS_LIMIT = 50;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<QmpEvent> events = new ArrayList<>();
  private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
  private long lastAppendNanos = System.nanoTime();
  private String closedReason;

  /**
   * Adds the next event; its index must be {@link #size()}. Listeners run on the calling thread,
   * after the event is visible to waiters.
   *
   * @throws IllegalStateException if the log is closed
   */
  public void append(QmpEvent event) {
    Objects.requireNonNull(event, "event");
    lock.lock();
    try {
      if (closedReason != null) {
        throw new IllegalStateException(
            "event log is closed (" + closedReason + "); cannot append " + event);
      }
      if (event.index() != events.size()) {
        throw new IllegalArgumentException(
            "event index " + event.index() + " out of order: the next index is " + events.size());
      }
      events.add(event);
      lastAppendNanos = System.nanoTime();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Consumer<QmpEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        // A broken progress printer must not stop the monitor reader (and with it every command).
        LOG.warn("event listener failed on " + event, e);
      }
    }
  }

  /** Calls {@code listener} for each event appended from now on, e.g. to print progress. */
  public void addListener(Consumer<QmpEvent> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Every event so far, in order. */
  public List<QmpEvent> snapshot() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return events.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The first event at index {@code fromIndex} or later that matches {@code what}, waiting for it
   * if it has not arrived yet. Looks at events that arrived before the call first; consumes
   * nothing. The predicate runs while the log is locked: keep it quick.
   *
   * @param description what is awaited, for the failure message (e.g. {@code "GUEST_PANICKED"})
   * @throws QmpTimeoutException if nothing matched within {@code timeout}; lists the events seen
   * @throws QmpDisconnectedException at once if the log is closed and nothing matched
   */
  public QmpEvent await(
      Predicate<QmpEvent> what, String description, int fromIndex, Duration timeout) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(timeout, "timeout");
    if (fromIndex < 0) {
      throw new IllegalArgumentException("fromIndex must be 0 or more, was " + fromIndex);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      int next = fromIndex;
      while (true) {
        for (; next < events.size(); next++) {
          if (what.test(events.get(next))) {
            return events.get(next);
          }
        }
        if (closedReason != null) {
          throw new QmpDisconnectedException(
              "no event matching "
                  + description
                  + " before the event log closed ("
                  + closedReason
                  + "); "
                  + listedSince(fromIndex));
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new QmpTimeoutException(
              "no event matching "
                  + description
                  + " within "
                  + DurationText.of(timeout)
                  + "; "
                  + listedSince(fromIndex));
        }
        changed.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QmpException("interrupted while waiting for an event matching " + description, e);
    } finally {
      lock.unlock();
    }
  }

  /** {@link #await(Predicate, String, int, Duration)} for the first event named {@code name}. */
  public QmpEvent await(String name, int fromIndex, Duration timeout) {
    return await(QmpEvent.named(name), name, fromIndex, timeout);
  }

  /**
   * Waits until no event arrived for {@code quiet} (counted from the call, restarted by each new
   * event) or {@code max} passed, whichever comes first; returns at once if the log is closed,
   * since nothing more can come. Used to show that nothing follows an expected final event.
   *
   * @return the events that arrived during the call, in order
   */
  public List<QmpEvent> awaitQuiet(Duration quiet, Duration max) {
    return awaitQuietSinceLast(quiet, quiet, max);
  }

  /**
   * Waits until no event arrived for {@code quiet} counted from the log's last event (or from the
   * log's creation when it has none), and for at least {@code atLeast} counted from the call; or
   * until {@code max} passed, whichever comes first. Each new event restarts the count. Returns at
   * once if the log is closed, since nothing more can come. With {@code atLeast == quiet} this is
   * {@link #awaitQuiet}; with less, time that already passed without an event before the call
   * counts (a reboot's RESETs, then the seconds the guest took to be seen booting).
   *
   * @return the events that arrived during the call, in order
   */
  public List<QmpEvent> awaitQuietSinceLast(Duration quiet, Duration atLeast, Duration max) {
    Objects.requireNonNull(quiet, "quiet");
    Objects.requireNonNull(atLeast, "atLeast");
    Objects.requireNonNull(max, "max");
    if (quiet.isNegative()
        || atLeast.isNegative()
        || atLeast.compareTo(quiet) > 0
        || max.compareTo(quiet) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= atLeast <= quiet <= max, got atLeast "
              + DurationText.of(atLeast)
              + ", quiet "
              + DurationText.of(quiet)
              + " and max "
              + DurationText.of(max));
    }
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    lock.lock();
    try {
      int startSize = events.size();
      while (closedReason == null) {
        long wakeUp =
            Math.min(
                Math.max(lastAppendNanos + quiet.toNanos(), start + atLeast.toNanos()), deadline);
        long remaining = wakeUp - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        changed.awaitNanos(remaining);
      }
      return List.copyOf(events.subList(startSize, events.size()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QmpException("interrupted while waiting for the event stream to go quiet", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the log as complete (the connection is gone) and wakes every waiter. First reason wins.
   */
  public void close(String reason) {
    Objects.requireNonNull(reason, "reason");
    lock.lock();
    try {
      if (closedReason == null) {
        closedReason = reason;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Why the log was closed, or empty while events can still arrive. */
  public Optional<String> closedReason() {
    lock.lock();
    try {
      return Optional.ofNullable(closedReason);
    } finally {
      lock.unlock();
    }
  }

  private String listedSince(int fromIndex) {
    if (fromIndex >= events.size()) {
      return "no events since #" + fromIndex;
    }
    List<QmpEvent> since = events.subList(fromIndex, events.size());
    String listed =
        since.stream()
            .limit(LISTED_EVENTS_LIMIT)
            .map(event -> "#" + event.index() + " " + event)
            .collect(Collectors.joining(", ", "[", "]"));
    int more = since.size() - LISTED_EVENTS_LIMIT;
    return "events since #"
        + fromIndex
        + ": "
        + listed
        + (more > 0 ? " and " + more + " more" : "");
  }
}
