package dev.pvpanic.harness.oracle;

/**
 * How a trigger is pulled: typed on the guest's shell, a BREAK then a key on the serial line, or a
 * QMP command. The scenario carries it out; a trigger only declares it.
 */
public sealed interface TriggerAction {

  /** What it does, as a person would do it (the progress line and the cell record say this). */
  String describe();

  /**
   * A command typed on the guest's shell, followed by its exit status line (the trigger's {@link
   * Trigger#exitFailure} rule reads it).
   */
  record Typed(String command) implements TriggerAction {
    @Override
    public String describe() {
      return command;
    }
  }

  /**
   * A BREAK on the serial line (QMP {@code chardev-send-break}) then {@code key}: true magic SysRq,
   * which works when userspace is wedged.
   */
  record SerialBreak(char key) implements TriggerAction {
    @Override
    public String describe() {
      return "QMP chardev-send-break {id: console}, then '" + key + "' on the serial line";
    }
  }

  /** A QMP command without arguments (e.g. {@code inject-nmi}). */
  record Qmp(String command) implements TriggerAction {
    @Override
    public String describe() {
      return "QMP " + command;
    }
  }
}
