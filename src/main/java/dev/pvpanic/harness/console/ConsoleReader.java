package dev.pvpanic.harness.console;

import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.IoText;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.io.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon thread that reads a console's stream in blocks: each block goes to the transcript file
 * as it arrives (so a crashed JVM loses nothing), then to the {@link ConsoleBuffer} and the {@link
 * LineListeners}. When the stream ends, or fails while the console is open, the buffer learns it
 * and the transcript is closed. A transcript that cannot be written is given up on; the console
 * goes on being read.
 */
final class ConsoleReader {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleReader.class);
  private static final int READ_BLOCK_BYTES = 8192;

  private final InputStream in;
  private final Path transcriptFile;
  private final OutputStream transcript;
  private final String name;
  private final ConsoleBuffer buffer;
  private final LineListeners listeners;
  private final AtomicBoolean closed;
  private final Thread thread;
  private boolean transcriptBroken; // only the reader thread touches it

  /**
   * @param transcript the open transcript file {@code transcriptFile}; the reader closes it
   * @param closed set when the console is closed: a read failing after that is no failure
   */
  ConsoleReader(
      InputStream in,
      Path transcriptFile,
      OutputStream transcript,
      String name,
      ConsoleBuffer buffer,
      LineListeners listeners,
      AtomicBoolean closed) {
    this.in = in;
    this.transcriptFile = transcriptFile;
    this.transcript = transcript;
    this.name = name;
    this.buffer = buffer;
    this.listeners = listeners;
    this.closed = closed;
    this.thread = new Thread(this::readUntilEnd, "console-" + name);
    this.thread.setDaemon(true);
  }

  /** Creates (or truncates) the transcript file, and its folder. */
  static OutputStream createTranscript(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // Unbuffered: every block read reaches the file at once.
    return Files.newOutputStream(
        file,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  void start() {
    thread.start();
  }

  boolean isCurrentThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * Waits up to {@code bound} for the reader to finish once its stream is closed; one that still
   * runs then has its transcript closed under it.
   */
  void stop(Duration bound) {
    try {
      thread.join(bound.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn(
          "reader of console '{}' still running {} after close; closing its transcript",
          name,
          DurationText.of(bound));
      closeQuietly(transcript);
    }
  }

  private void readUntilEnd() {
    byte[] block = new byte[READ_BLOCK_BYTES];
    IOException failure = null;
    try {
      int count;
      while ((count = in.read(block)) >= 0) {
        if (count > 0) {
          received(block, count);
        }
      }
    } catch (IOException e) {
      if (!closed.get()) {
        failure = e;
      }
    } catch (RuntimeException | Error e) {
      failure = new IOException("console reader failed", e);
      throw e;
    } finally {
      ended(failure);
      closeQuietly(transcript);
    }
  }

  private void received(byte[] block, int count) {
    if (!transcriptBroken) {
      try {
        transcript.write(block, 0, count);
      } catch (IOException e) {
        // Keep reading the console: the run can still be judged without its transcript.
        transcriptBroken = true;
        LOG.warn(
            "cannot write transcript {} of console '{}': {}",
            transcriptFile,
            name,
            IoText.of(e, transcriptFile));
      }
    }
    buffer.received(block, count);
    listeners.deliver();
  }

  private void ended(IOException failure) {
    buffer.ended(failure);
    listeners.deliver();
  }

  static void closeQuietly(java.io.Closeable closeable) {
    // Already broken is as good as closed.
    IOUtils.closeQuietly(closeable, e -> LOG.debug("closing {} failed", closeable, e));
  }
}
