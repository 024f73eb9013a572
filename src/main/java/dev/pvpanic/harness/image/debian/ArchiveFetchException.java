package dev.pvpanic.harness.image.debian;

import java.net.URI;

/**
 * A file could not be fetched from the mirror: HTTP error, stalled or broken transfer, bad hash.
 */
public class ArchiveFetchException extends DebianArchiveException {
  private static final long serialVersionUID = 1L;

  private final URI uri;

  public ArchiveFetchException(URI uri, String message) {
    super(message);
    this.uri = uri;
  }

  public ArchiveFetchException(URI uri, String message, Throwable cause) {
    super(message, cause);
    this.uri = uri;
  }

  /** The URI that failed. */
  public URI uri() {
    return uri;
  }
}
