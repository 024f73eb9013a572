package dev.pvpanic.harness.image.debian;

import dev.pvpanic.harness.HarnessException;

/** The root of this package's failures: the Debian archive could not give what was asked. */
public class DebianArchiveException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public DebianArchiveException(String message) {
    super(message);
  }

  public DebianArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
