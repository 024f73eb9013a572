package dev.pvpanic.harness.oracle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One QMP event the cell must show, with its exact {@code data} (no key may be missing or extra).
 */
public record ExpectedEvent(String name, Map<String, Object> data, Multiplicity multiplicity) {

  public ExpectedEvent {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("expected event has no name");
    }
    Objects.requireNonNull(multiplicity, "multiplicity");
    data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  public static ExpectedEvent one(String name, Map<String, Object> data) {
    return new ExpectedEvent(name, data, Multiplicity.ONE);
  }

  /** GUEST_PANICKED {action}; pvpanic never passes {@code info}, so it is not there. */
  public static ExpectedEvent guestPanicked(String action) {
    return one("GUEST_PANICKED", Map.of("action", action));
  }

  /** GUEST_CRASHLOADED {action: run}: qemu_system_guest_crashloaded() only ever sends "run". */
  public static ExpectedEvent guestCrashLoaded() {
    return one("GUEST_CRASHLOADED", Map.of("action", "run"));
  }

  /** SHUTDOWN {guest, reason}; the order is the one QEMU writes. */
  public static ExpectedEvent shutdown(String reason) {
    return one("SHUTDOWN", reasonData(reason));
  }

  /** RESET {guest: true, reason: guest-reset}, with the given multiplicity. */
  public static ExpectedEvent guestReset(Multiplicity multiplicity) {
    return new ExpectedEvent("RESET", reasonData("guest-reset"), multiplicity);
  }

  /**
   * RESET {guest: false, reason: host-qmp-system-reset}: the reset QMP system_reset asks for
   * (qapi/run-state.json, ShutdownCause host-qmp-system-reset; not caused by the guest).
   */
  public static ExpectedEvent hostReset() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("guest", false);
    data.put("reason", "host-qmp-system-reset");
    return one("RESET", data);
  }

  /** RESUME: the VM runs again (vm_start after cont). */
  public static ExpectedEvent resume() {
    return one("RESUME", Map.of());
  }

  public static ExpectedEvent stop() {
    return one("STOP", Map.of());
  }

  public static ExpectedEvent guestPvShutdown() {
    return one("GUEST_PVSHUTDOWN", Map.of());
  }

  /** Whether {@code actual} is this event: the same name and exactly the same data. */
  public boolean matches(ObservedEvent actual) {
    return name.equals(actual.name()) && EventData.equal(data, actual.data());
  }

  /** This event as a person reads it: {@code RESET {guest: true, reason: guest-reset} x1..4}. */
  public String describe() {
    return EventData.describe(name, data) + multiplicity.describe();
  }

  private static Map<String, Object> reasonData(String reason) {
    // qapi/run-state.json: guest is true for guest-shutdown, guest-reset and guest-panic
    // (shutdown_caused_by_guest() in include/sysemu/runstate.h).
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("guest", true);
    data.put("reason", reason);
    return data;
  }
}
