package dev.pvpanic.harness.image.initramfs;

/** A file is not an ELF image, or one this reader cannot make sense of (truncated, corrupt). */
public class ElfFormatException extends InitramfsException {
  private static final long serialVersionUID = 1L;

  public ElfFormatException(String message) {
    super(message);
  }
}
