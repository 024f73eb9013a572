package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.HarnessException;

/** The harness could not run a cell: QEMU did not start, an image could not be built, ... */
public class InfrastructureException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public InfrastructureException(String message, Throwable cause) {
    super(message, cause);
  }
}
