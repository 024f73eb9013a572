package dev.pvpanic.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as the harness writes it everywhere (manifests, lock files, the content store's blob
 * names, {@code sha256sum -c} files): 64 lower-case hexadecimal digits.
 */
public final class Sha256 {
  private static final int BUFFER = 1 << 16;

  private Sha256() {}

  /** The hash of {@code bytes}. */
  public static String of(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** The hash of {@code text} in UTF-8. */
  public static String of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash of everything {@code in} yields; the caller closes it. */
  public static String of(InputStream in) throws IOException {
    return running().stream(in).hex();
  }

  /** The hash of a file, read as a stream (a memory dump is as large as the guest's RAM). */
  public static String of(Path file) throws IOException {
    return running().file(file).hex();
  }

  /** A hash fed piece by piece: for a key made of several inputs, or bytes hashed as they copy. */
  public static Running running() {
    return new Running();
  }

  /**
   * A SHA-256 being computed. {@link #field} ends each text with a NUL, so that the fields {@code
   * "ab", "c"} and {@code "a", "bc"} hash differently.
   */
  public static final class Running {
    private final MessageDigest digest = digest();

    private Running() {}

    /** Adds {@code text} in UTF-8 and a NUL after it. */
    public Running field(String text) {
      digest.update(text.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      return this;
    }

    /** Adds {@code bytes} as they are. */
    public Running bytes(byte[] bytes) {
      digest.update(bytes);
      return this;
    }

    /** Adds everything {@code in} yields; the caller closes it. */
    public Running stream(InputStream in) throws IOException {
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) != -1; ) {
        digest.update(buffer, 0, n);
      }
      return this;
    }

    /** Adds a file's bytes as they are, read as a stream. */
    public Running file(Path file) throws IOException {
      try (InputStream in = Files.newInputStream(file)) {
        return stream(in);
      }
    }

    /** {@code in}, adding every byte read through it to this hash. */
    public InputStream reading(InputStream in) {
      return new DigestInputStream(in, digest);
    }

    /** The hash of what was added; the hash starts over afterwards. */
    public String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
