package dev.pvpanic.harness.console;

import dev.pvpanic.harness.DurationText;
import java.time.Duration;
import java.util.List;

/** What the harness waited for did not appear on the console within its bound. */
public final class ConsoleTimeoutException extends ConsoleException {
  private static final long serialVersionUID = 1L;

  private final String awaited;
  private final Duration timeout;

  public ConsoleTimeoutException(
      String consoleName, String awaited, Duration timeout, List<String> tail) {
    super(
        "Timed out after "
            + DurationText.of(timeout)
            + " waiting for "
            + awaited
            + " on console '"
            + consoleName
            + "'.",
        tail);
    this.awaited = awaited;
    this.timeout = timeout;
  }

  /** What was waited for: the description and the pattern. */
  public String awaited() {
    return awaited;
  }

  public Duration timeout() {
    return timeout;
  }
}
