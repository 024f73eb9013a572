package dev.pvpanic.harness.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The line listeners of a console: each gets every completed line, in order, exactly once. Lock
 * order: this one's, then the buffer's; listeners are called holding this one's only.
 */
final class LineListeners {
  private static final Logger LOG = LoggerFactory.getLogger(LineListeners.class);

  /** A listener and how many lines it has been given. */
  private static final class Cursor {
    final Consumer<String> consumer;
    int delivered;

    Cursor(Consumer<String> consumer) {
      this.consumer = consumer;
    }
  }

  private final ConsoleBuffer buffer;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Cursor> listeners = new ArrayList<>();

  LineListeners(ConsoleBuffer buffer, String name) {
    this.buffer = buffer;
    this.name = name;
  }

  /** Adds {@code listener} and gives it the lines completed so far, on the calling thread. */
  void add(Consumer<String> listener) {
    Objects.requireNonNull(listener, "listener");
    Cursor added = new Cursor(listener);
    lock.lock();
    try {
      listeners.add(added);
      deliverTo(added);
    } finally {
      lock.unlock();
    }
  }

  /** Gives every listener the lines it has not had. */
  void deliver() {
    lock.lock();
    try {
      for (Cursor listener : List.copyOf(listeners)) {
        deliverTo(listener);
      }
    } finally {
      lock.unlock();
    }
  }

  private void deliverTo(Cursor listener) {
    for (String line : buffer.linesFrom(listener.delivered)) {
      listener.delivered++;
      try {
        listener.consumer.accept(line);
      } catch (RuntimeException e) {
        LOG.warn("line listener of console '{}' failed", name, e);
      }
    }
  }
}
