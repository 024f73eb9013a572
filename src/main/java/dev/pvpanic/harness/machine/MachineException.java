package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.HarnessException;

/** Something went wrong with a QEMU process. */
public class MachineException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public MachineException(String message) {
    super(message);
  }

  public MachineException(String message, Throwable cause) {
    super(message, cause);
  }
}
