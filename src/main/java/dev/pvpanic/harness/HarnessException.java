package dev.pvpanic.harness;

/**
 * The one root of the harness's own exceptions. Unchecked: a failing cell is reported by the test
 * runner, and callers that can act on a specific failure catch the specific subclass.
 */
public class HarnessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HarnessException(String message) {
    super(message);
  }

  public HarnessException(String message, Throwable cause) {
    super(message, cause);
  }
}
