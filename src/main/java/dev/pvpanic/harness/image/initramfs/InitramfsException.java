package dev.pvpanic.harness.image.initramfs;

import dev.pvpanic.harness.HarnessException;

/** An initramfs could not be assembled: bad input, a missing library, an unreadable file. */
public class InitramfsException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public InitramfsException(String message) {
    super(message);
  }

  public InitramfsException(String message, Throwable cause) {
    super(message, cause);
  }
}
