package dev.pvpanic.harness.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A relative href from the folder a report lives in to a cell's artifacts, so the report and the
 * cells can be moved (or uploaded as one CI artifact) together. Each path segment is
 * percent-encoded, so no file name can end the attribute or add a query.
 */
final class RelativeLink {
  private RelativeLink() {}

  /** A link to a folder (ends in {@code /}). */
  static String toFolder(Path from, Path folder) {
    String rel = encode(from.relativize(folder.toAbsolutePath().normalize()));
    return rel.isEmpty() ? "./" : rel + "/";
  }

  /** A link to a file in a folder. */
  static String toFile(Path from, Path folder, String fileName) {
    return toFolder(from, folder) + encodeSegment(fileName);
  }

  private static String encode(Path relative) {
    StringBuilder sb = new StringBuilder();
    for (Path segment : relative) {
      if (segment.toString().isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(encodeSegment(segment.toString()));
    }
    return sb.toString();
  }

  static String encodeSegment(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '_'
          || c == '-'
          || c == '~'
          || c == '+') {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }
}
