package dev.pvpanic.harness.image.debian;

import java.net.URI;

/** The mirror has no such suite: its InRelease is not there (404). */
public class UnknownSuiteException extends ArchiveFetchException {
  private static final long serialVersionUID = 1L;

  public UnknownSuiteException(URI uri, String message) {
    super(uri, message);
  }
}
