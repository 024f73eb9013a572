package dev.pvpanic.harness.image.cache;

/** Content offered to the store did not hash to the SHA-256 it was offered under; not cached. */
public class ContentHashMismatchException extends CacheException {
  private static final long serialVersionUID = 1L;

  private final String expectedSha256;
  private final String actualSha256;
  private final long bytes;

  public ContentHashMismatchException(String expectedSha256, String actualSha256, long bytes) {
    super(
        "content hash mismatch: expected sha256 "
            + expectedSha256
            + ", got "
            + actualSha256
            + " over "
            + bytes
            + " bytes; nothing was cached");
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
    this.bytes = bytes;
  }

  public String expectedSha256() {
    return expectedSha256;
  }

  public String actualSha256() {
    return actualSha256;
  }

  public long bytes() {
    return bytes;
  }
}
