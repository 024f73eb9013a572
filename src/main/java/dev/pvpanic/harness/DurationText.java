package dev.pvpanic.harness;

import java.time.Duration;

/**
 * Durations as people read them in messages, one format everywhere: {@code 250 ms}, {@code 30 s},
 * {@code 1.5 s} (never Java's {@code PT1M}).
 */
public final class DurationText {
  private DurationText() {}

  public static String of(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1_000) {
      return millis + " ms";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + " s";
    }
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1_000.0);
  }
}
