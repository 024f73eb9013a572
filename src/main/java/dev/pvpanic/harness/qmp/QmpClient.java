package dev.pvpanic.harness.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.DurationText;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.io.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QMP connection to one QEMU: reads the greeting, negotiates capabilities, sends commands with
 * unique ids and matches replies to them, and records every event in an {@link EventLog}.
 *
 * <p>One daemon thread reads the monitor ({@link QmpReader}). Replies and events interleave freely;
 * a reply completes the command with its id, an event is appended to the log. When the connection
 * ends, every command still waiting fails at once with the reason, and so does every later command.
 */
public final class QmpClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QmpClient.class);
  private static final Duration READER_STOP_BOUND = Duration.ofSeconds(2);

  private final QmpOptions options;
  private final InputStream in;
  private final OutputStream rawOut;
  private final Writer out;
  private final Closeable connection;
  private final FdPassing fdPassing;
  private final QmpTranscript transcript;
  private final EventLog events = new EventLog();
  private final PendingCommands pending = new PendingCommands();
  private final CompletableFuture<Greeting> greeting = new CompletableFuture<>();
  private final AtomicReference<QmpTermination> termination = new AtomicReference<>();
  private final Object writeLock = new Object();
  private final QmpReader reader;

  private QmpClient(
      InputStream in,
      OutputStream out,
      Closeable connection,
      FdPassing fdPassing,
      QmpOptions options,
      QmpTranscript transcript) {
    this.options = options;
    this.fdPassing = fdPassing;
    this.in = in;
    this.rawOut = out;
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    this.connection = connection;
    this.transcript = transcript;
    this.reader =
        new QmpReader(in, transcript, events, pending, greeting, options.name(), this::terminate);
  }

  /**
   * Takes over a connected monitor stream: waits for the greeting (at most {@code
   * options.commandTimeout()}), then negotiates capabilities. On failure the connection is closed.
   *
   * @param connection closed with the client, e.g. the socket {@code in} and {@code out} belong to
   * @throws QmpTimeoutException if no greeting came in time
   * @throws QmpDisconnectedException if QEMU closed the monitor first
   */
  public static QmpClient open(
      InputStream in, OutputStream out, Closeable connection, QmpOptions options) {
    return open(in, out, connection, FdPassing.NONE, options);
  }

  /**
   * As {@link #open(InputStream, OutputStream, Closeable, QmpOptions)}, on a connection that can
   * pass file descriptors to QEMU ({@link #passFd}, {@link #addFd}).
   */
  public static QmpClient open(
      InputStream in,
      OutputStream out,
      Closeable connection,
      FdPassing fdPassing,
      QmpOptions options) {
    Objects.requireNonNull(fdPassing, "fdPassing");
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(options, "options");
    QmpTranscript transcript;
    try {
      transcript =
          options.transcript().map(QmpTranscript::appendingTo).orElseGet(QmpTranscript::none);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
    QmpClient client = new QmpClient(in, out, connection, fdPassing, options, transcript);
    client.reader.start();
    try {
      client.awaitGreeting();
      client.execute("qmp_capabilities");
      return client;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The greeting QEMU sent when the connection opened. */
  public Greeting greeting() {
    return greeting.join();
  }

  /** The QEMU version from the greeting. */
  public QemuVersion version() {
    return greeting().version();
  }

  /**
   * Every event of this connection. Its listeners run on the reader thread, so they must not block;
   * they may {@link #submit} but not {@link #execute}.
   */
  public EventLog events() {
    return events;
  }

  /** False once QEMU closed the monitor, the stream broke, or {@link #close()} was called. */
  public boolean isConnected() {
    return termination.get() == null;
  }

  /** Runs a command without arguments; see {@link #execute(String, Map, Duration)}. */
  public JsonNode execute(String command) {
    return execute(command, Map.of());
  }

  /** Runs a command with the default timeout; see {@link #execute(String, Map, Duration)}. */
  public JsonNode execute(String command, Map<String, ?> arguments) {
    return execute(command, arguments, options.commandTimeout());
  }

  /**
   * Sends a command and waits for its reply.
   *
   * @param arguments converted to JSON by Jackson; may be empty
   * @return the reply's {@code return} member
   * @throws QmpErrorException if QEMU answered with an error
   * @throws QmpTimeoutException if no reply came within {@code timeout}
   * @throws QmpDisconnectedException if the connection ended before the reply
   * @throws QmpProtocolException if QEMU sent a malformed line before the reply
   */
  public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
    return execute(command, arguments, timeout, null);
  }

  /**
   * Hands QEMU an open file under {@code name} ({@code getfd}); commands then name it {@code
   * fd:<name>} ({@code migrate}, {@code migrate-incoming}, {@code dump-guest-memory}). QEMU keeps
   * its own copy: the caller may close {@code fd} once this returns.
   *
   * @throws QmpException as {@link #execute}, or when this connection cannot pass descriptors
   */
  public void passFd(String name, FileDescriptor fd) {
    Objects.requireNonNull(fd, "fd");
    execute("getfd", Map.of("fdname", name), options.commandTimeout(), fd);
  }

  /**
   * Adds an open file to QEMU's file descriptor set {@code fdsetId} ({@code add-fd}); QEMU opens
   * {@code /dev/fdset/<fdsetId>} as that file (a {@code file:} migration URI). The caller may close
   * {@code fd} once this returns.
   */
  public void addFd(int fdsetId, FileDescriptor fd) {
    Objects.requireNonNull(fd, "fd");
    execute("add-fd", Map.of("fdset-id", fdsetId), options.commandTimeout(), fd);
  }

  private JsonNode execute(
      String command, Map<String, ?> arguments, Duration timeout, FileDescriptor fd) {
    Objects.requireNonNull(timeout, "timeout");
    if (reader.isCurrentThread()) {
      // The reply would have to be read by this very thread: it could only time out.
      throw new IllegalStateException(
          "execute('" + command + "') called from an event listener; use submit() there");
    }
    PendingCommands.Pending sent = send(command, arguments, fd);
    try {
      return sent.reply().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.remove(sent.id());
      throw new QmpTimeoutException(
          "QMP command '"
              + command
              + "' got no reply within "
              + DurationText.of(timeout)
              + clientSuffix());
    } catch (InterruptedException e) {
      pending.remove(sent.id());
      Thread.currentThread().interrupt();
      throw new QmpException(
          "interrupted while waiting for the reply to '" + command + "'" + clientSuffix(), e);
    } catch (ExecutionException e) {
      throw thrownHere(e);
    }
  }

  /**
   * Sends a command without waiting. The future fails with the same exceptions {@link #execute}
   * throws; it times out after {@code options.commandTimeout()}.
   */
  public CompletableFuture<JsonNode> submit(String command, Map<String, ?> arguments) {
    PendingCommands.Pending sent;
    try {
      sent = send(command, arguments, null);
    } catch (QmpException e) {
      return CompletableFuture.failedFuture(e);
    }
    Duration timeout = options.commandTimeout();
    CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .execute(
            () ->
                pending
                    .remove(sent.id())
                    .ifPresent(
                        late ->
                            late.reply()
                                .completeExceptionally(
                                    new QmpTimeoutException(
                                        "QMP command '"
                                            + command
                                            + "' got no reply within "
                                            + DurationText.of(timeout)
                                            + clientSuffix()))));
    return sent.reply();
  }

  private volatile boolean closedLocally;

  /** Whether this side closed the connection (not QEMU by exiting or dropping it). */
  public boolean closedLocally() {
    return closedLocally;
  }

  /**
   * Closes the connection, fails commands still waiting and stops the reader thread (waiting for it
   * a bounded time). Safe to call more than once.
   */
  @Override
  public void close() {
    closedLocally = true;
    terminate(new QmpTermination("the QMP client was closed", null, false));
    if (!reader.isCurrentThread()) {
      reader.join(READER_STOP_BOUND);
    }
    transcript.close();
  }

  @Override
  public String toString() {
    return "QmpClient[" + options.name() + (isConnected() ? ", connected]" : ", closed]");
  }

  private void awaitGreeting() {
    Duration timeout = options.commandTimeout();
    try {
      greeting.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new QmpTimeoutException(
          "QEMU sent no QMP greeting within " + DurationText.of(timeout) + clientSuffix());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QmpException("interrupted while waiting for the QMP greeting" + clientSuffix(), e);
    } catch (ExecutionException e) {
      throw thrownHere(e);
    }
  }

  private PendingCommands.Pending send(
      String command, Map<String, ?> arguments, FileDescriptor fd) {
    Objects.requireNonNull(command, "command");
    ObjectNode json = QmpCodec.arguments(command, arguments);
    PendingCommands.Pending sent = pending.register(command);
    // Checked after registering: a termination racing with us either sees this command in
    // failAll, or we see the termination here. Either way nobody waits for a dead connection.
    QmpTermination end = termination.get();
    if (end != null) {
      pending.remove(sent.id());
      throw end.refusing(command, clientSuffix());
    }
    String line = QmpCodec.encodeCommand(sent.id(), command, json);
    try {
      synchronized (writeLock) {
        if (fd != null) {
          attach(fd, command, sent);
        }
        transcript.sent(line);
        out.write(line);
        out.write('\n');
        out.flush();
      }
    } catch (IOException e) {
      terminate(new QmpTermination("QEMU closed the monitor (" + e.getMessage() + ")", e, false));
      pending
          .remove(sent.id())
          .ifPresent(
              unsent ->
                  unsent
                      .reply()
                      .completeExceptionally(
                          termination
                              .get()
                              .whileWaitingFor("the reply to '" + command + "'", clientSuffix())));
    }
    return sent;
  }

  /*
   * The descriptor goes with the command's own bytes: the command line is short and written by one
   * flush, and QEMU takes the descriptors that came with the bytes it parses.
   */
  private void attach(FileDescriptor fd, String command, PendingCommands.Pending sent) {
    try {
      fdPassing.attachToNextWrite(fd);
    } catch (IOException e) {
      pending.remove(sent.id());
      throw new QmpException(
          "cannot pass a file descriptor with '"
              + command
              + "': "
              + e.getMessage()
              + clientSuffix(),
          e);
    }
  }

  private void terminate(QmpTermination end) {
    if (!termination.compareAndSet(null, end)) {
      return;
    }
    String client = clientSuffix();
    pending.failAll(
        waiting -> end.whileWaitingFor("the reply to '" + waiting.command() + "'", client));
    greeting.completeExceptionally(end.whileWaitingFor("the QMP greeting", client));
    events.close(end.reason());
    // Closing the streams is what ends a read blocked in the reader thread.
    closeQuietly(connection);
    closeQuietly(in);
    closeQuietly(rawOut);
  }

  /**
   * The exception a waiter receives was made on the reader thread; give it the stack of the thread
   * that waited, which is the one a person reading a test failure needs.
   */
  private static RuntimeException thrownHere(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof QmpException failure) {
      failure.fillInStackTrace();
      return failure;
    }
    return new QmpException("QMP command failed: " + cause, cause);
  }

  private String clientSuffix() {
    return " [" + options.name() + "]";
  }

  private static void closeQuietly(Closeable closeable) {
    // Already broken is as good as closed.
    IOUtils.closeQuietly(closeable, e -> LOG.debug("closing {} failed", closeable, e));
  }
}
