package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.HarnessException;

/**
 * Thrown when an expectation is asked for a cell that cannot exist; the matrix should have left it
 * out through {@link Applicability#of}.
 */
public class CellNotApplicableException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public CellNotApplicableException(String message) {
    super(message);
  }
}
