package dev.pvpanic.harness.qmp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client behaves.
 *
 * @param commandTimeout how long a command (and the greeting) may take unless told otherwise
 * @param transcript file that receives every line both ways, if any
 * @param name names the reader thread and appears in failure messages, e.g. the cell's name
 */
public record QmpOptions(Duration commandTimeout, Optional<Path> transcript, String name) {
  public QmpOptions {
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(transcript, "transcript");
    Objects.requireNonNull(name, "name");
    if (commandTimeout.isZero() || commandTimeout.isNegative()) {
      throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
  }

  /** 30 s per command, no transcript, name {@code qmp}. */
  public static QmpOptions defaults() {
    return new QmpOptions(Duration.ofSeconds(30), Optional.empty(), "qmp");
  }

  public QmpOptions withCommandTimeout(Duration commandTimeout) {
    return new QmpOptions(commandTimeout, transcript, name);
  }

  public QmpOptions withTranscript(Path file) {
    return new QmpOptions(commandTimeout, Optional.of(file), name);
  }

  public QmpOptions withName(String name) {
    return new QmpOptions(commandTimeout, transcript, name);
  }
}
