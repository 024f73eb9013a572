package dev.pvpanic.harness.guest;

import dev.pvpanic.harness.HarnessException;

/** The guest printed a protocol line that does not say what it should; the line is quoted. */
public class GuestProtocolException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public GuestProtocolException(String message) {
    super(message);
  }
}
