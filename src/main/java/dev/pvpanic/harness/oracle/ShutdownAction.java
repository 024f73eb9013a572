package dev.pvpanic.harness.oracle;

/**
 * QEMU's {@code -action shutdown=}; {@link #DEFAULT} means the option is not given, {@link
 * #NO_SHUTDOWN} the older {@code -no-shutdown} flag (QEMU 6.0 made it exactly {@code -action
 * shutdown=pause}, "runstate: cleanup reboot and panic actions"; before 6.0 it is the only way).
 */
public enum ShutdownAction {
  DEFAULT(""),
  POWEROFF("poweroff"),
  PAUSE("pause"),
  NO_SHUTDOWN("no-shutdown");

  private final String qemuValue;

  ShutdownAction(String qemuValue) {
    this.qemuValue = qemuValue;
  }

  /** The value after {@code shutdown=}; empty for {@link #DEFAULT}. */
  public String qemuValue() {
    return qemuValue;
  }

  /**
   * What QEMU does when nothing is given: qapi/run-state.json, ShutdownAction default "poweroff".
   */
  ShutdownAction effective() {
    return switch (this) {
      case DEFAULT -> POWEROFF;
      case NO_SHUTDOWN -> PAUSE;
      default -> this;
    };
  }
}
