package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.HarnessException;

/** A command that cannot be carried out as given: the message says what would be valid. */
public class UsageException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
