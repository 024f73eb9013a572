package dev.pvpanic.harness.image.debian;

import java.util.regex.Pattern;

/**
 * A Debian package version, {@code [epoch:]upstream[-revision]}, ordered as dpkg orders them: epoch
 * numerically, then upstream and revision by alternating non-digit runs (letters before other
 * characters, {@code ~} before everything, even the end) and digit runs (numerically).
 *
 * <p>Equality is on the written string, so {@code 1.0} and {@code 1.00} compare as 0 but are not
 * {@code equals}; index lookups use the string, ordering uses {@link #compareTo}.
 */
public final class DebianVersion implements Comparable<DebianVersion> {

  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9.+~:-]+");

  private final String text;
  private final long epoch;
  private final String upstream;
  private final String revision;

  private DebianVersion(String text, long epoch, String upstream, String revision) {
    this.text = text;
    this.epoch = epoch;
    this.upstream = upstream;
    this.revision = revision;
  }

  /**
   * Parses a version; throws {@link IllegalArgumentException} naming it when it is not one (empty,
   * spaces, a non-numeric epoch, an empty upstream part).
   */
  public static DebianVersion parse(String version) {
    String text = version == null ? "" : version.strip();
    if (text.isEmpty() || !ALLOWED.matcher(text).matches()) {
      throw invalid(version, "allowed are letters, digits and . + ~ : -");
    }
    long epoch = 0;
    String rest = text;
    int colon = text.indexOf(':');
    if (colon >= 0) {
      String epochText = text.substring(0, colon);
      if (epochText.isEmpty() || !epochText.chars().allMatch(Character::isDigit)) {
        throw invalid(version, "the epoch before ':' must be a number");
      }
      try {
        epoch = Long.parseLong(epochText);
      } catch (NumberFormatException e) {
        throw invalid(version, "the epoch is too large");
      }
      rest = text.substring(colon + 1);
    }
    int dash = rest.lastIndexOf('-');
    String upstream = dash >= 0 ? rest.substring(0, dash) : rest;
    String revision = dash >= 0 ? rest.substring(dash + 1) : "";
    if (upstream.isEmpty()) {
      throw invalid(version, "the upstream part is empty");
    }
    if (dash >= 0 && revision.isEmpty()) {
      throw invalid(version, "the revision after the last '-' is empty");
    }
    if (upstream.indexOf(':') >= 0 || revision.indexOf(':') >= 0) {
      throw invalid(version, "only one ':' (after the epoch) is allowed");
    }
    return new DebianVersion(text, epoch, upstream, revision);
  }

  public long epoch() {
    return epoch;
  }

  public String upstream() {
    return upstream;
  }

  /** The Debian revision, or empty when the version has none (a native package). */
  public String revision() {
    return revision;
  }

  @Override
  public int compareTo(DebianVersion other) {
    int byEpoch = Long.compare(epoch, other.epoch);
    if (byEpoch != 0) {
      return byEpoch;
    }
    int byUpstream = compareParts(upstream, other.upstream);
    return byUpstream != 0 ? byUpstream : compareParts(revision, other.revision);
  }

  /** dpkg's verrevcmp: non-digit runs by {@link #weight}, digit runs numerically. */
  static int compareParts(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while ((i < a.length() && !isDigit(a.charAt(i)))
          || (j < b.length() && !isDigit(b.charAt(j)))) {
        int wa = weight(a, i);
        int wb = weight(b, j);
        if (wa != wb) {
          return Integer.compare(wa, wb);
        }
        i++;
        j++;
      }
      while (i < a.length() && a.charAt(i) == '0') {
        i++;
      }
      while (j < b.length() && b.charAt(j) == '0') {
        j++;
      }
      int firstDifference = 0;
      while (i < a.length() && isDigit(a.charAt(i)) && j < b.length() && isDigit(b.charAt(j))) {
        if (firstDifference == 0) {
          firstDifference = Character.compare(a.charAt(i), b.charAt(j));
        }
        i++;
        j++;
      }
      // After equal-length prefixes, the longer digit run is the larger number.
      if (i < a.length() && isDigit(a.charAt(i))) {
        return 1;
      }
      if (j < b.length() && isDigit(b.charAt(j))) {
        return -1;
      }
      if (firstDifference != 0) {
        return firstDifference;
      }
    }
    return 0;
  }

  /** A character's weight in a non-digit run: ~ lowest, then end/digit, letters, the rest. */
  private static int weight(String s, int index) {
    if (index >= s.length()) {
      return 0;
    }
    char c = s.charAt(index);
    if (isDigit(c)) {
      return 0;
    }
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String version, String why) {
    return new IllegalArgumentException(
        "not a Debian version: '" + version + "' (" + why + "; e.g. 6.12.95-1~bpo12+1, 1:2.3-4)");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DebianVersion other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
