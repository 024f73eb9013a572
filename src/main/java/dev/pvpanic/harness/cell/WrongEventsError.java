package dev.pvpanic.harness.cell;

/**
 * The guest and QEMU did something other than the rules predict. An {@link AssertionError} so test
 * runners count it as a failure, not an error; the message is the expected-vs-actual diff.
 */
public class WrongEventsError extends AssertionError {
  private static final long serialVersionUID = 1L;

  public WrongEventsError(String message) {
    super(message);
  }
}
