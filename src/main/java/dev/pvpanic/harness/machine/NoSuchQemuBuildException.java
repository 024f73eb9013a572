package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.HarnessException;

/**
 * A QEMU build a config names does not exist (a suite the mirror does not have, a version that is
 * not in the archive): an error of the input, refused before anything boots, unlike {@link
 * QemuBuildUnavailableException} (a real build that cannot run here).
 */
public class NoSuchQemuBuildException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public NoSuchQemuBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
