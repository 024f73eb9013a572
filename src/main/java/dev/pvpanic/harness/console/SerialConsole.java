package dev.pvpanic.harness.console;

import dev.pvpanic.harness.DurationText;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest's serial console over an already connected byte stream (QEMU's socket chardev).
 *
 * <p>One daemon thread ({@link ConsoleReader}) reads the stream in blocks, appends the raw bytes to
 * the transcript file as they arrive (so a crashed JVM loses nothing) and assembles lines (see
 * {@link TerminalLineDecoder}). All lines are kept: the index of a line in {@link #lines()} is its
 * number.
 *
 * <p>{@link #expect} scans from the console's cursor: completed lines, then the line still being
 * written (a prompt has no newline). A match on a completed line moves the cursor past it; a match
 * on the partial line consumes the text seen on it so far, so the same text never matches twice but
 * what is written after it still can. Every wait is bounded, wakes on new data (no polling) and
 * fails at once when the stream ends.
 *
 * <p>Expect and run may be called from any thread; a console is normally driven by one.
 */
public final class SerialConsole implements AutoCloseable {

  /** How many console lines an exception quotes. */
  static final int TAIL_LINES = 40;

  private static final Duration READER_JOIN = Duration.ofSeconds(5);

  /**
   * How a console is opened.
   *
   * @param transcript file that receives the raw bytes exactly as read (created or truncated)
   * @param name names the reader thread and appears in messages, e.g. the cell id
   * @param defaultTimeout bound for {@link #expect(Pattern)} and {@link #run(String)}
   */
  public record Options(Path transcript, String name, Duration defaultTimeout) {
    public Options {
      Objects.requireNonNull(transcript, "transcript: the file to keep the console's raw bytes in");
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank (e.g. the cell id)");
      }
      requirePositive(defaultTimeout, "defaultTimeout");
    }
  }

  private final InputStream in;
  private final OutputStream out;
  private final Closeable connection;
  private final Options options;
  private final ConsoleReader reader;
  private final String noncePrefix;
  private final AtomicLong commandCount = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object writeLock = new Object();

  private final ConsoleBuffer buffer;

  private final LineListeners listeners;

  private SerialConsole(
      InputStream in,
      OutputStream out,
      Closeable connection,
      Options options,
      OutputStream transcript) {
    this.in = in;
    this.out = out;
    this.connection = connection;
    this.options = options;
    this.noncePrefix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    this.buffer = new ConsoleBuffer(options.name(), closed);
    this.listeners = new LineListeners(buffer, options.name());
    this.reader =
        new ConsoleReader(
            in, options.transcript(), transcript, options.name(), buffer, listeners, closed);
  }

  /**
   * Starts reading {@code in}. The console owns {@code connection} from here on: {@link #close()}
   * closes it, and so does a failure to open.
   */
  public static SerialConsole open(
      InputStream in, OutputStream out, Closeable connection, Options options) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(options, "options");
    OutputStream transcript;
    try {
      transcript = ConsoleReader.createTranscript(options.transcript());
    } catch (IOException e) {
      ConsoleReader.closeQuietly(connection);
      throw new ConsoleException(
          "Cannot create the transcript "
              + options.transcript()
              + " of console '"
              + options.name()
              + "': "
              + e,
          List.of(),
          e);
    }
    SerialConsole console = new SerialConsole(in, out, connection, options, transcript);
    console.reader.start();
    return console;
  }

  public String name() {
    return options.name();
  }

  public Path transcript() {
    return options.transcript();
  }

  /** True until the stream ends or the console is closed. */
  public boolean isOpen() {
    return buffer.isOpen();
  }

  /** Waits up to the default timeout for {@code success} on a line from the cursor on. */
  public ConsoleMatch expect(Pattern success) {
    return expect(null, success, null, options.defaultTimeout());
  }

  /** Waits up to {@code timeout} for {@code success} on a line from the cursor on. */
  public ConsoleMatch expect(Pattern success, Duration timeout) {
    return expect(null, success, null, timeout);
  }

  /** As {@link #expect(String, Pattern, Pattern, Duration)} without a description. */
  public ConsoleMatch expect(Pattern success, Pattern failure, Duration timeout) {
    return expect(null, success, failure, timeout);
  }

  /**
   * Waits up to {@code timeout} for a line, from the cursor on, that matches {@code success} or
   * {@code failure} ({@link Matcher#find()}: anywhere in the line). Lines are looked at in order;
   * on one line that matches both, the failure wins.
   *
   * @param description what is waited for, in words (e.g. "the guest to be ready"); may be null
   * @param failure may be null
   * @return the success match; the cursor then is past it
   * @throws ConsoleFailureException if {@code failure} matched first (the cursor is then past it)
   * @throws ConsoleTimeoutException if neither matched within {@code timeout}
   * @throws ConsoleClosedException if the stream ended or the console was closed first
   * @throws ConsoleException if the thread was interrupted (its interrupt flag is set again)
   */
  public ConsoleMatch expect(
      String description, Pattern success, Pattern failure, Duration timeout) {
    return expect(description, success, failure, timeout, true);
  }

  /**
   * Like {@link #expect(String, Pattern, Pattern, Duration)}, but only COMPLETED lines count: for
   * protocol lines whose whole content matters (a READY line read while it is still arriving would
   * be cut short).
   */
  public ConsoleMatch expectLine(
      String description, Pattern success, Pattern failure, Duration timeout) {
    return expect(description, success, failure, timeout, false);
  }

  private ConsoleMatch expect(
      String description, Pattern success, Pattern failure, Duration timeout, boolean partialToo) {
    requirePositive(timeout, "timeout");
    return buffer.expect(description, success, failure, timeout, partialToo);
  }

  /**
   * Waits until the guest has printed nothing for {@code quiet} (e.g. late boot messages of the
   * kernel), at most {@code max}.
   *
   * @return true when the console went quiet, false when {@code max} ran out first
   */
  public boolean awaitQuiet(Duration quiet, Duration max) {
    requirePositive(quiet, "quiet");
    return buffer.awaitQuiet(quiet, max);
  }

  /** Types {@code text} and a newline. */
  public void send(String text) {
    Objects.requireNonNull(text, "text");
    sendRaw((text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code bytes} as they are (e.g. control characters). */
  public void sendRaw(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (closed.get()) {
      throw new ConsoleClosedException(
          "Cannot write to console '" + name() + "': it is closed.", tail(TAIL_LINES), null);
    }
    synchronized (writeLock) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        throw new ConsoleClosedException(
            "Cannot write to console '" + name() + "': " + e, tail(TAIL_LINES), e);
      }
    }
  }

  /** {@link #run(String, Duration)} with the default timeout. */
  public CommandResult run(String command) {
    return run(command, options.defaultTimeout());
  }

  /**
   * Types a one-line shell command and waits up to {@code timeout} for its exit status. Works
   * whether or not the guest echoes typed text, and whether or not its prompt has appeared yet (see
   * {@link MarkedCommand}). A non-zero exit status is returned, not thrown. The cursor ends past
   * the line with the exit status.
   *
   * @throws IllegalArgumentException if {@code command} is blank, has a line break, or ends with
   *     {@code &&}, {@code ||}, {@code |} or a backslash
   * @throws ConsoleTimeoutException if the exit status does not appear within {@code timeout}
   * @throws ConsoleClosedException if the stream ends or the console is closed first
   */
  public CommandResult run(String command, Duration timeout) {
    requirePositive(timeout, "timeout");
    return buffer.run(new MarkedCommand(command, nextNonce()), command, timeout, this::send);
  }

  /** The last {@code n} lines, oldest first, the partial line (if it has text) included. */
  public List<String> tail(int n) {
    return buffer.tail(n);
  }

  /** How long ago the guest last sent anything on this console. */
  public java.time.Duration sinceLastOutput() {
    return buffer.sinceLastOutput();
  }

  private volatile boolean closedLocally;

  /** Whether this side closed the console (not the guest's QEMU by exiting). */
  public boolean closedLocally() {
    return closedLocally;
  }

  /** All completed lines so far; a line's index is its number. */
  public List<String> lines() {
    return buffer.lines();
  }

  /**
   * The index of the line the next {@link #expect} starts at (when it equals {@code
   * lines().size()}, the partial line, minus any text an earlier match consumed).
   */
  public int cursor() {
    return buffer.cursor();
  }

  /** Consumes everything received so far: the next expect sees only what arrives after this. */
  public void moveCursorToEnd() {
    buffer.moveCursorToEnd();
  }

  /**
   * Calls {@code listener} with every completed line, in order, exactly once: first, on the calling
   * thread, the lines completed so far; then each new one on the reader thread. A listener must be
   * quick (it holds up reading); its exceptions are logged and ignored.
   */
  public void addLineListener(Consumer<String> listener) {
    listeners.add(listener);
  }

  /**
   * Closes the connection and waits (bounded) for the reader thread to finish. Idempotent. Waiting
   * expects fail with {@link ConsoleClosedException}.
   */
  @Override
  public void close() {
    if (!reader.isCurrentThread()) {
      closedLocally = true;
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ConsoleReader.closeQuietly(connection);
    ConsoleReader.closeQuietly(in);
    ConsoleReader.closeQuietly(out);
    buffer.wake(); // waiting expects fail now, not when the reader notices
    if (!reader.isCurrentThread()) {
      reader.stop(READER_JOIN);
    }
  }

  @Override
  public String toString() {
    return "SerialConsole[" + name() + ", transcript=" + transcript() + "]";
  }

  // --- small things ---

  private String nextNonce() {
    return noncePrefix + "-" + commandCount.incrementAndGet();
  }

  private static void requirePositive(Duration duration, String what) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(
          what + " must be a positive duration, got " + DurationText.of(duration));
    }
  }
}
