package dev.pvpanic.harness.image.debian;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/** The compressions Debian uses for indexes and .deb members, chosen by file-name suffix. */
final class Compression {

  private Compression() {}

  /** True when {@code name} ends in a suffix {@link #decompress} understands, or has none. */
  static boolean isKnown(String name, String stem) {
    return name.equals(stem)
        || name.equals(stem + ".xz")
        || name.equals(stem + ".gz")
        || name.equals(stem + ".zst")
        || name.equals(stem + ".bz2");
  }

  /** {@code in} decompressed according to the suffix of {@code name}; unknown suffix = plain. */
  static InputStream decompress(String name, InputStream in) throws IOException {
    InputStream buffered = new BufferedInputStream(in, 64 * 1024);
    if (name.endsWith(".xz")) {
      return new XZCompressorInputStream(buffered);
    }
    if (name.endsWith(".gz")) {
      // Concatenated gzip members are legal (and pigz/dpkg may write them).
      return GzipCompressorInputStream.builder()
          .setInputStream(buffered)
          .setDecompressConcatenated(true)
          .get();
    }
    if (name.endsWith(".zst")) {
      return new ZstdCompressorInputStream(buffered);
    }
    if (name.endsWith(".bz2")) {
      return new BZip2CompressorInputStream(buffered, true);
    }
    return buffered;
  }
}
