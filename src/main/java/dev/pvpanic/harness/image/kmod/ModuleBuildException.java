package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.HarnessException;

/** An out-of-tree module build could not start, failed, or produced modules the kernel refuses. */
public class ModuleBuildException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public ModuleBuildException(String message) {
    super(message);
  }

  public ModuleBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
