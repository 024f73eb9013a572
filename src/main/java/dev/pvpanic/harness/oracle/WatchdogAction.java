package dev.pvpanic.harness.oracle;

import java.util.Locale;

/**
 * QEMU's {@code -action watchdog=} value: what QEMU does when a watchdog device expires
 * (qapi/run-state.json WatchdogAction; hw/watchdog/watchdog.c watchdog_perform_action()). {@code
 * DEFAULT} gives no option: QEMU's default, reset.
 */
public enum WatchdogAction {
  DEFAULT,
  RESET,
  SHUTDOWN,
  POWEROFF,
  PAUSE,
  DEBUG,
  NONE,
  INJECT_NMI;

  /** The action QEMU takes: hw/watchdog/watchdog.c starts with WATCHDOG_ACTION_RESET. */
  public WatchdogAction effective() {
    return this == DEFAULT ? RESET : this;
  }

  /** The value as QEMU writes it ({@code reset}, {@code inject-nmi}, ...). */
  public String qemuValue() {
    return effective().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The axis value: {@code default} or what QEMU writes. */
  public String id() {
    return this == DEFAULT ? "default" : qemuValue();
  }

  public static WatchdogAction of(String id) {
    for (WatchdogAction a : values()) {
      if (a.id().equals(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException("no watchdog action '" + id + "'");
  }
}
