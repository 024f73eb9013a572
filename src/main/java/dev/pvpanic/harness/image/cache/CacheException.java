package dev.pvpanic.harness.image.cache;

import dev.pvpanic.harness.HarnessException;

/** The cache could not store or read an entry (disk full, permissions, a bad key). */
public class CacheException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public CacheException(String message) {
    super(message);
  }

  public CacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
