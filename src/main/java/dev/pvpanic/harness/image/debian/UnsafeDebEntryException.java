package dev.pvpanic.harness.image.debian;

/**
 * A .deb entry would land outside the extraction folder: an absolute or {@code ..} path, a hard
 * link to outside, or a path through a symlink that leads outside.
 */
public class UnsafeDebEntryException extends DebFileException {
  private static final long serialVersionUID = 1L;

  public UnsafeDebEntryException(String message) {
    super(message);
  }
}
