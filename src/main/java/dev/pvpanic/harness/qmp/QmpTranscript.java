package dev.pvpanic.harness.qmp;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The wire transcript: every line both ways, as {@code <ISO-8601 host time> -> <line>} (sent) or
 * {@code <time> <- <line>} (received), appended and flushed line by line so it survives a crash of
 * the harness. A transcript that cannot be written stops writing and keeps the first failure; the
 * monitor itself keeps working.
 */
public final class QmpTranscript implements Closeable {
  private final Path file;
  private BufferedWriter writer;
  private IOException failure;

  private QmpTranscript(Path file, BufferedWriter writer) {
    this.file = file;
    this.writer = writer;
  }

  /** A transcript that writes nothing. */
  public static QmpTranscript none() {
    return new QmpTranscript(null, null);
  }

  /**
   * Appends to {@code file}, creating it and its folder if needed.
   *
   * @throws QmpException if the file cannot be opened
   */
  public static QmpTranscript appendingTo(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new QmpTranscript(
          file,
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new QmpException("cannot open the QMP transcript " + file + ": " + e.getMessage(), e);
    }
  }

  public void sent(String line) {
    write("->", line);
  }

  public void received(String line) {
    write("<-", line);
  }

  /** The file written to, if any. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The first write failure, if writing stopped because of one. */
  public synchronized Optional<IOException> failure() {
    return Optional.ofNullable(failure);
  }

  private synchronized void write(String direction, String line) {
    if (writer == null) {
      return;
    }
    try {
      writer.write(Instant.now() + " " + direction + " " + line);
      writer.newLine();
      writer.flush();
    } catch (IOException e) {
      failure = e;
      closeWriter();
    }
  }

  @Override
  public synchronized void close() {
    closeWriter();
  }

  private void closeWriter() {
    if (writer == null) {
      return;
    }
    try {
      writer.close();
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      }
    } finally {
      writer = null;
    }
  }
}
