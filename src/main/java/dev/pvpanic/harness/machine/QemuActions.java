package dev.pvpanic.harness.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * QEMU's {@code -action} settings for panic and shutdown. Empty means QEMU's default
 * (panic=shutdown, shutdown=poweroff) and no {@code -action} argument at all, so QEMU builds older
 * than 6.0 still start.
 */
public record QemuActions(Optional<String> panic, Optional<String> shutdown) {

  public static final Set<String> PANIC_VALUES =
      Set.of("pause", "shutdown", "none", "exit-failure");
  public static final Set<String> SHUTDOWN_VALUES = Set.of("poweroff", "pause");
  public static final QemuActions DEFAULT = new QemuActions(Optional.empty(), Optional.empty());

  public QemuActions {
    panic.ifPresent(p -> check("panic", p, PANIC_VALUES));
    shutdown.ifPresent(s -> check("shutdown", s, SHUTDOWN_VALUES));
  }

  public static QemuActions of(String panic, String shutdown) {
    return new QemuActions(Optional.ofNullable(panic), Optional.ofNullable(shutdown));
  }

  private static void check(String what, String value, Set<String> valid) {
    if (!valid.contains(value)) {
      throw new IllegalArgumentException(
          "unknown -action " + what + "=" + value + "; valid: " + valid.stream().sorted().toList());
    }
  }

  public boolean isDefault() {
    return panic.isEmpty() && shutdown.isEmpty();
  }

  /** The {@code -action} arguments, or nothing when both are QEMU's default. */
  public List<String> qemuArgs() {
    List<String> parts = new ArrayList<>();
    panic.ifPresent(p -> parts.add("panic=" + p));
    shutdown.ifPresent(s -> parts.add("shutdown=" + s));
    return parts.isEmpty() ? List.of() : List.of("-action", String.join(",", parts));
  }

  @Override
  public String toString() {
    return isDefault()
        ? "default"
        : String.join(",", qemuArgs().isEmpty() ? List.of() : List.of(qemuArgs().get(1)));
  }
}
