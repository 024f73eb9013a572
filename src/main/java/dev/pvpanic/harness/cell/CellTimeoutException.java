package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.HarnessException;

/** Something a cell waited for did not happen within its bound. */
public class CellTimeoutException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public CellTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
