package dev.pvpanic.harness.cell;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Start-relative phase boundaries. */
final class Phases {
  final Map<String, Duration> done = new LinkedHashMap<>();
  private Instant last = Instant.now();

  void mark(String phase) {
    markAt(phase, Instant.now());
  }

  /** Ends {@code phase} at {@code at}; ignored when {@code at} is not after the last boundary. */
  void markAt(String phase, Instant at) {
    if (!at.isAfter(last)) {
      return;
    }
    done.merge(phase, Duration.between(last, at), Duration::plus);
    last = at;
  }
}
