package dev.pvpanic.harness.oracle;

/** QEMU's {@code -action shutdown=}; {@link #DEFAULT} means the option is not given. */
public enum ShutdownAction {
  DEFAULT(""),
  POWEROFF("poweroff"),
  PAUSE("pause");

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
    return this == DEFAULT ? POWEROFF : this;
  }
}
