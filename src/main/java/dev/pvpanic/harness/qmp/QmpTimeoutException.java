package dev.pvpanic.harness.qmp;

/** A reply, the greeting or an awaited event did not arrive in time; the message says which. */
public class QmpTimeoutException extends QmpException {
  private static final long serialVersionUID = 1L;

  public QmpTimeoutException(String message) {
    super(message);
  }
}
