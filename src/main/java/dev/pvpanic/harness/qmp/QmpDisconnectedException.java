package dev.pvpanic.harness.qmp;

/**
 * The monitor connection is gone (QEMU closed it, it broke, or the client was closed), so a reply
 * or event that was awaited can never come.
 */
public class QmpDisconnectedException extends QmpException {
  private static final long serialVersionUID = 1L;

  public QmpDisconnectedException(String message) {
    super(message);
  }

  public QmpDisconnectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
