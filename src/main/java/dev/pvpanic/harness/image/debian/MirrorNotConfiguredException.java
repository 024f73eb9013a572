package dev.pvpanic.harness.image.debian;

/** No usable Debian mirror was given or found; the message says which option or variable to set. */
public class MirrorNotConfiguredException extends DebianArchiveException {
  private static final long serialVersionUID = 1L;

  public MirrorNotConfiguredException(String message) {
    super(message);
  }
}
