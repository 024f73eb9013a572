package dev.pvpanic.harness.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * QEMU's {@code -action} settings for panic, shutdown and watchdog. Empty means QEMU's default
 * (panic=shutdown, shutdown=poweroff, watchdog=reset) and no {@code -action} argument at all, so
 * QEMU builds older than 6.0 still start.
 */
public record QemuActions(
    Optional<String> panic, Optional<String> shutdown, Optional<String> watchdog) {

  public static final Set<String> PANIC_VALUES =
      Set.of("pause", "shutdown", "none", "exit-failure");

  /** {@code no-shutdown} is the {@code -no-shutdown} flag, the only form QEMU before 6.0 has. */
  public static final Set<String> SHUTDOWN_VALUES = Set.of("poweroff", "pause", "no-shutdown");

  /** qapi/run-state.json WatchdogAction. */
  public static final Set<String> WATCHDOG_VALUES =
      Set.of("reset", "shutdown", "poweroff", "pause", "debug", "none", "inject-nmi");

  public static final QemuActions DEFAULT =
      new QemuActions(Optional.empty(), Optional.empty(), Optional.empty());

  public QemuActions {
    panic.ifPresent(p -> check("panic", p, PANIC_VALUES));
    shutdown.ifPresent(s -> check("shutdown", s, SHUTDOWN_VALUES));
    watchdog.ifPresent(w -> check("watchdog", w, WATCHDOG_VALUES));
  }

  public static QemuActions of(String panic, String shutdown) {
    return new QemuActions(
        Optional.ofNullable(panic), Optional.ofNullable(shutdown), Optional.empty());
  }

  /** These actions with {@code -action watchdog=<action>}. */
  public QemuActions withWatchdog(String action) {
    return new QemuActions(panic, shutdown, Optional.of(action));
  }

  private static void check(String what, String value, Set<String> valid) {
    if (!valid.contains(value)) {
      throw new IllegalArgumentException(
          "unknown -action " + what + "=" + value + "; valid: " + valid.stream().sorted().toList());
    }
  }

  public boolean isDefault() {
    return panic.isEmpty() && shutdown.isEmpty() && watchdog.isEmpty();
  }

  private boolean noShutdown() {
    return shutdown.filter("no-shutdown"::equals).isPresent();
  }

  /** The {@code -action} settings as QEMU writes them, e.g. {@code panic=none,shutdown=pause}. */
  private List<String> actionParts() {
    List<String> parts = new ArrayList<>();
    panic.ifPresent(p -> parts.add("panic=" + p));
    shutdown.filter(s -> !noShutdown()).ifPresent(s -> parts.add("shutdown=" + s));
    watchdog.ifPresent(w -> parts.add("watchdog=" + w));
    return parts;
  }

  /** The {@code -action} and {@code -no-shutdown} arguments; nothing when both are the default. */
  public List<String> qemuArgs() {
    List<String> args = new ArrayList<>();
    List<String> parts = actionParts();
    if (!parts.isEmpty()) {
      args.addAll(List.of("-action", String.join(",", parts)));
    }
    if (noShutdown()) {
      args.add("-no-shutdown");
    }
    return List.copyOf(args);
  }

  @Override
  public String toString() {
    if (isDefault()) {
      return "default";
    }
    List<String> words = new ArrayList<>(actionParts());
    if (noShutdown()) {
      words.add("-no-shutdown");
    }
    return String.join(",", words);
  }
}
