package dev.pvpanic.harness.console;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a console has shown: every completed line, the line still being written, and the cursor
 * {@link SerialConsole#expect} scans from. The reader thread feeds it; any thread may wait on it.
 * Every wait is bounded, wakes on new data (no polling) and fails at once when the stream ends.
 */
final class ConsoleBuffer {
  /**
   * Where scanning starts: line {@code line}, after the text {@code seen} if the line still starts
   * with it (it may have been rewritten since).
   */
  private record Position(int line, String seen) {
    static final Position START = new Position(0, "");
  }

  /** A scan's result: the match, the failure pattern if it was a failure, where to go on from. */
  private record Found(ConsoleMatch match, Pattern failure, Position next) {}

  private final String name;
  private final AtomicBoolean closed;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final TerminalLineDecoder decoder = new TerminalLineDecoder();
  private final List<String> lines = new ArrayList<>();
  private String partial = "";
  private long lastReceived = System.nanoTime();
  private Position cursor = Position.START;
  private boolean ended;
  private IOException readFailure;

  /**
   * @param closed set when the console is closed: waits end then
   */
  ConsoleBuffer(String name, AtomicBoolean closed) {
    this.name = name;
    this.closed = closed;
  }

  private String name() {
    return name;
  }

  /** How long ago the guest last sent anything (since the console opened, when it never did). */
  java.time.Duration sinceLastOutput() {
    lock.lock();
    try {
      return java.time.Duration.ofNanos(System.nanoTime() - lastReceived);
    } finally {
      lock.unlock();
    }
  }

  /** Bytes the reader read. */
  void received(byte[] block, int count) {
    lock.lock();
    try {
      lines.addAll(decoder.accept(block, 0, count));
      partial = decoder.partial();
      lastReceived = System.nanoTime();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The stream ended ({@code failure} null: normally). */
  void ended(IOException failure) {
    lock.lock();
    try {
      // No more text can join the partial line: it is the last line.
      decoder.finish().ifPresent(lines::add);
      partial = "";
      ended = true;
      readFailure = failure;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every wait (the console was closed). */
  void wake() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isOpen() {
    lock.lock();
    try {
      return !ended && !closed.get();
    } finally {
      lock.unlock();
    }
  }

  /** The completed lines from {@code from} on, for a line listener. */
  List<String> linesFrom(int from) {
    lock.lock();
    try {
      return List.copyOf(lines.subList(from, lines.size()));
    } finally {
      lock.unlock();
    }
  }

  ConsoleMatch expect(
      String description, Pattern success, Pattern failure, Duration timeout, boolean partialToo) {
    Objects.requireNonNull(success, "success");
    String awaited = describe(description, success);
    long deadline = deadlineAfter(timeout);
    lock.lock();
    try {
      Found found = await(cursor, success, failure, partialToo, deadline, timeout, awaited);
      cursor = found.next();
      if (found.failure() != null) {
        throw new ConsoleFailureException(
            name(), awaited, found.failure(), found.match(), tailLocked(SerialConsole.TAIL_LINES));
      }
      return found.match();
    } finally {
      lock.unlock();
    }
  }

  boolean awaitQuiet(Duration quiet, Duration max) {
    long deadline = deadlineAfter(max);
    lock.lock();
    try {
      while (true) {
        long now = System.nanoTime();
        long quietUntil = lastReceived + quiet.toNanos();
        if (now - quietUntil >= 0 || ended || closed.get()) {
          return true;
        }
        if (now - deadline >= 0) {
          return false;
        }
        changed.awaitNanos(Math.min(quietUntil, deadline) - now);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConsoleException(
          "interrupted while waiting for console '" + name() + "' to go quiet",
          tail(SerialConsole.TAIL_LINES),
          e);
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code marked}: {@code type} types it, then waits for its start and exit markers. */
  CommandResult run(MarkedCommand marked, String command, Duration timeout, Consumer<String> type) {
    long deadline = deadlineAfter(timeout);
    int from;
    lock.lock();
    try {
      // The start marker can only appear after it is typed: on the line being written now (after
      // a prompt, when there is no echo) or later.
      from = lines.size();
    } finally {
      lock.unlock();
    }
    type.accept(marked.typedLine());
    lock.lock();
    try {
      Found start =
          await(
              new Position(from, ""),
              marked.startMarker(),
              null,
              false,
              deadline,
              timeout,
              "the start of command `" + command + "` (/" + marked.startMarker() + "/)");
      // Only completed lines: on a partial line "PVH-RC-n 1" could still become "... 127".
      Found exit =
          await(
              start.next(),
              marked.exitMarker(),
              null,
              false,
              deadline,
              timeout,
              "the exit status of command `" + command + "` (/" + marked.exitMarker() + "/)");
      int exitLine = exit.match().lineIndex();
      List<String> output = new ArrayList<>(lines.subList(start.next().line(), exitLine));
      String unterminated = exit.match().line().substring(0, exit.match().groups().start());
      if (!unterminated.isEmpty()) {
        output.add(unterminated);
      }
      cursor = exit.next();
      return new CommandResult(command, Integer.parseInt(exit.match().group(1)), output);
    } finally {
      lock.unlock();
    }
  }

  /** The last {@code n} lines, oldest first, the partial line (if it has text) included. */
  List<String> tail(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    lock.lock();
    try {
      return tailLocked(n);
    } finally {
      lock.unlock();
    }
  }

  /** All completed lines so far; a line's index is its number. */
  List<String> lines() {
    lock.lock();
    try {
      return List.copyOf(lines);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The index of the line the next {@link #expect} starts at (when it equals {@code
   * lines().size()}, the partial line, minus any text an earlier match consumed).
   */
  int cursor() {
    lock.lock();
    try {
      return cursor.line();
    } finally {
      lock.unlock();
    }
  }

  /** Consumes everything received so far: the next expect sees only what arrives after this. */
  void moveCursorToEnd() {
    lock.lock();
    try {
      cursor = new Position(lines.size(), partial);
    } finally {
      lock.unlock();
    }
  }

  // --- matching, called holding lock ---

  private Found await(
      Position from,
      Pattern success,
      Pattern failure,
      boolean partialToo,
      long deadline,
      Duration timeout,
      String awaited) {
    int next = from.line();
    while (true) {
      for (; next < lines.size(); next++) {
        Optional<Found> found = match(next, lines.get(next), false, from, success, failure);
        if (found.isPresent()) {
          return found.get();
        }
      }
      if (partialToo && !partial.isEmpty()) {
        Optional<Found> found = match(next, partial, true, from, success, failure);
        if (found.isPresent()) {
          return found.get();
        }
      }
      if (ended || closed.get()) {
        throw closedWhileWaiting(awaited);
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new ConsoleTimeoutException(
            name(), awaited, timeout, tailLocked(SerialConsole.TAIL_LINES));
      }
      try {
        changed.awaitNanos(remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConsoleException(
            "Interrupted while waiting for " + awaited + " on console '" + name() + "'.",
            tailLocked(SerialConsole.TAIL_LINES),
            e);
      }
    }
  }

  private Optional<Found> match(
      int index, String text, boolean isPartial, Position from, Pattern success, Pattern failure) {
    int start = index == from.line() && text.startsWith(from.seen()) ? from.seen().length() : 0;
    Position next = isPartial ? new Position(index, text) : new Position(index + 1, "");
    if (failure != null) {
      Matcher matcher = matcherFrom(failure, text, start);
      if (matcher.find()) {
        return Optional.of(new Found(new ConsoleMatch(index, text, matcher), failure, next));
      }
    }
    Matcher matcher = matcherFrom(success, text, start);
    if (matcher.find()) {
      return Optional.of(new Found(new ConsoleMatch(index, text, matcher), null, next));
    }
    return Optional.empty();
  }

  /** A matcher over {@code text} from {@code start} on, where ^ still means the line's start. */
  private static Matcher matcherFrom(Pattern pattern, String text, int start) {
    Matcher matcher = pattern.matcher(text);
    matcher.useAnchoringBounds(false);
    matcher.useTransparentBounds(true);
    matcher.region(start, text.length());
    return matcher;
  }

  private ConsoleClosedException closedWhileWaiting(String awaited) {
    String why;
    if (readFailure != null) {
      why = "reading it failed (" + readFailure + ")";
    } else if (closed.get()) {
      why = "the harness closed it";
    } else {
      why = "its stream ended (QEMU exited or closed the port)";
    }
    return new ConsoleClosedException(
        "Console '" + name() + "' closed while waiting for " + awaited + ": " + why + ".",
        tailLocked(SerialConsole.TAIL_LINES),
        readFailure);
  }

  private List<String> tailLocked(int n) {
    List<String> all = new ArrayList<>(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    if (!partial.isEmpty()) {
      all.add(partial);
    }
    return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
  }

  private static String describe(String description, Pattern success) {
    String pattern = "/" + success.pattern() + "/";
    return description == null || description.isBlank()
        ? pattern
        : description + " (" + pattern + ")";
  }

  private static long deadlineAfter(Duration timeout) {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 2;
    }
    return System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2);
  }
}
