package dev.pvpanic.harness.qmp;

import dev.pvpanic.harness.HarnessException;

/**
 * Root of the QMP client's failures. Thrown as is only for an interrupted wait; the subclasses say
 * what went wrong on the wire.
 */
public class QmpException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public QmpException(String message) {
    super(message);
  }

  public QmpException(String message, Throwable cause) {
    super(message, cause);
  }
}
