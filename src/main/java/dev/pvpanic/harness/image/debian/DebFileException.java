package dev.pvpanic.harness.image.debian;

/** A .deb that cannot be read or extracted: not an ar archive, a missing member, a bad tar. */
public class DebFileException extends DebianArchiveException {
  private static final long serialVersionUID = 1L;

  public DebFileException(String message) {
    super(message);
  }

  public DebFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
