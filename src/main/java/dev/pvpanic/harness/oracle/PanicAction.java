package dev.pvpanic.harness.oracle;

/** QEMU's {@code -action panic=}; {@link #DEFAULT} means the option is not given. */
public enum PanicAction {
  DEFAULT(""),
  PAUSE("pause"),
  NONE("none"),
  SHUTDOWN("shutdown"),
  EXIT_FAILURE("exit-failure");

  private final String qemuValue;

  PanicAction(String qemuValue) {
    this.qemuValue = qemuValue;
  }

  /** The value after {@code panic=}; empty for {@link #DEFAULT}. */
  public String qemuValue() {
    return qemuValue;
  }

  /** What QEMU does when nothing is given: qapi/run-state.json, PanicAction default "shutdown". */
  PanicAction effective() {
    return this == DEFAULT ? SHUTDOWN : this;
  }
}
