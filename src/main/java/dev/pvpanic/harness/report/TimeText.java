package dev.pvpanic.harness.report;

import java.time.Duration;
import java.util.Locale;

/** Durations as a report shows them: {@code 10.9 s}, {@code 3 min 07 s}, {@code 1 h 02 min}. */
final class TimeText {
  private TimeText() {}

  static String of(Duration d) {
    long millis = d.toMillis();
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    if (d.toHours() == 0) {
      return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }
    return String.format(Locale.ROOT, "%d h %02d min", d.toHours(), d.toMinutesPart());
  }
}
