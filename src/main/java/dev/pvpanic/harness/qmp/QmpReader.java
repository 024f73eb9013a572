package dev.pvpanic.harness.qmp;

import dev.pvpanic.harness.DurationText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incoming side of a QMP connection: one daemon thread reads QEMU's lines, writes each to the
 * transcript and routes it. The greeting completes the greeting future, a reply completes the
 * {@link PendingCommands pending command} with its id, an event is appended to the {@link
 * EventLog}. A line that is not QMP, anything before the greeting and a second greeting end the
 * connection (such a stream cannot be trusted to be in step), and so does the end of the stream;
 * the reader hands the reason to the client's termination and stops.
 */
final class QmpReader {
  private static final Logger LOG = LoggerFactory.getLogger(QmpReader.class);

  private final InputStream in;
  private final QmpTranscript transcript;
  private final EventLog events;
  private final PendingCommands pending;
  private final CompletableFuture<Greeting> greeting;
  private final Consumer<QmpTermination> terminate;
  private final String clientSuffix;
  private final Thread thread;

  /**
   * @param terminate ends the connection for the reason given; called once, on the reader thread
   */
  QmpReader(
      InputStream in,
      QmpTranscript transcript,
      EventLog events,
      PendingCommands pending,
      CompletableFuture<Greeting> greeting,
      String name,
      Consumer<QmpTermination> terminate) {
    this.in = in;
    this.transcript = transcript;
    this.events = events;
    this.pending = pending;
    this.greeting = greeting;
    this.terminate = terminate;
    this.clientSuffix = " [" + name + "]";
    this.thread = new Thread(this::readLines, "qmp-reader-" + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the calling thread is this reader (an event listener runs on it). */
  boolean isCurrentThread() {
    return Thread.currentThread() == thread;
  }

  /** Waits up to {@code bound} for the reader to stop (its stream closed); warns if it did not. */
  void join(Duration bound) {
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn(thread.getName() + " did not stop within " + DurationText.of(bound));
    }
  }

  private void readLines() {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    QmpTermination end;
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        transcript.received(line);
        if (!line.isBlank()) {
          dispatch(line);
        }
      }
      end = new QmpTermination("QEMU closed the monitor", null, false);
    } catch (QmpProtocolException e) {
      // A stream that sent garbage cannot be trusted to be in step: end the connection.
      end = new QmpTermination(e.getMessage(), e, true);
    } catch (IOException e) {
      end = new QmpTermination("QEMU closed the monitor (" + e.getMessage() + ")", e, false);
    } catch (RuntimeException | Error e) {
      terminate.accept(new QmpTermination("the QMP reader failed: " + e, e, false));
      throw e;
    }
    terminate.accept(end);
    transcript.close();
  }

  private void dispatch(String line) {
    QmpMessage message = QmpCodec.decode(line, events.size(), Instant.now());
    if (message instanceof Greeting received) {
      if (!greeting.complete(received)) {
        throw new QmpProtocolException("a second QMP greeting arrived: " + QmpCodec.quote(line));
      }
    } else if (!greeting.isDone()) {
      throw new QmpProtocolException(
          "expected the QMP greeting first, got " + QmpCodec.quote(line));
    } else if (message instanceof Success success) {
      pending
          .remove(success.id())
          .ifPresentOrElse(
              waiting -> waiting.reply().complete(success.ret()),
              () -> unmatched(success.id(), line));
    } else if (message instanceof ErrorReply error) {
      pending
          .remove(error.id())
          .ifPresentOrElse(
              waiting ->
                  waiting
                      .reply()
                      .completeExceptionally(
                          new QmpErrorException(
                              waiting.command(), error.errorClass(), error.description())),
              () -> unmatched(error.id(), line));
    } else if (message instanceof QmpEvent event) {
      events.append(event);
    }
  }

  private void unmatched(String id, String line) {
    if (id == null) {
      // QEMU answers without id only when it could not read the command at all.
      LOG.warn("QEMU sent a reply without id" + clientSuffix + ": " + QmpCodec.quote(line));
    } else {
      LOG.debug("no command waits for reply " + id + " (timed out?)" + clientSuffix);
    }
  }
}
