package dev.pvpanic.harness.elf;

import dev.pvpanic.harness.HarnessException;

/** A file is not an ELF image, or one this reader cannot make sense of (truncated, corrupt). */
public class ElfFormatException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public ElfFormatException(String message) {
    super(message);
  }
}
