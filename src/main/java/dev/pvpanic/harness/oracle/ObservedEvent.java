package dev.pvpanic.harness.oracle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One QMP event as a cell saw it: its name and its {@code data} object as a map (absent data is an
 * empty map). Timestamps are not part of it: they never decide a verdict.
 */
public record ObservedEvent(String name, Map<String, Object> data) {

  public ObservedEvent {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("observed event has no name");
    }
    data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  public String describe() {
    return EventData.describe(name, data);
  }
}
