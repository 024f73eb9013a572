package dev.pvpanic.harness.image.debian;

/** The lock file cannot be read or written, or holds an entry that is not a valid pin. */
public class LockFileException extends DebianArchiveException {
  private static final long serialVersionUID = 1L;

  public LockFileException(String message) {
    super(message);
  }

  public LockFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
