package dev.pvpanic.harness.qmp;

/** QEMU sent something that is not a QMP message; the message quotes the offending line. */
public class QmpProtocolException extends QmpException {
  private static final long serialVersionUID = 1L;

  public QmpProtocolException(String message) {
    super(message);
  }

  public QmpProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
