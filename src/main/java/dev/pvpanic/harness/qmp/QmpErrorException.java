package dev.pvpanic.harness.qmp;

/** QEMU answered a command with an error reply ({@code {"error": {"class": ..., "desc": ...}}}). */
public class QmpErrorException extends QmpException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final String errorClass;
  private final String description;

  public QmpErrorException(String command, String errorClass, String description) {
    super("QMP command '" + command + "' failed: " + errorClass + ": " + description);
    this.command = command;
    this.errorClass = errorClass;
    this.description = description;
  }

  /** The command QEMU refused, e.g. {@code cont}. */
  public String command() {
    return command;
  }

  /** QEMU's error class, e.g. {@code GenericError}, {@code CommandNotFound}. */
  public String errorClass() {
    return errorClass;
  }

  /** QEMU's human-readable description. */
  public String description() {
    return description;
  }
}
