package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.HarnessException;

/** A guest config that cannot be used, with what is wrong and what would be valid. */
public class GuestConfigException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public GuestConfigException(String message) {
    super(message);
  }

  public GuestConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
