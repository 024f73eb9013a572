package dev.pvpanic.harness.image.debian;

/** A package name or version that the index of a suite and architecture does not have. */
public class PackageNotFoundException extends DebianArchiveException {
  private static final long serialVersionUID = 1L;

  public PackageNotFoundException(String message) {
    super(message);
  }
}
