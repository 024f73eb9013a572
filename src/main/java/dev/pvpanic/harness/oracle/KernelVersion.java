package dev.pvpanic.harness.oracle;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux kernel release as {@code uname -r} prints it (e.g. {@code 6.12.95+deb12-amd64}, {@code
 * 7.3.0-rc2-arm64}). Only major.minor.patch take part in comparisons; the full string is kept for
 * display.
 */
public record KernelVersion(int major, int minor, int patch, String release)
    implements Comparable<KernelVersion> {

  private static final Pattern LEADING = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
  private static final Comparator<KernelVersion> ORDER =
      Comparator.comparingInt(KernelVersion::major)
          .thenComparingInt(KernelVersion::minor)
          .thenComparingInt(KernelVersion::patch);

  /**
   * Parses a release string; throws {@link IllegalArgumentException} naming it when it is not one.
   */
  public static KernelVersion parse(String release) {
    Matcher m = LEADING.matcher(release == null ? "" : release.strip());
    if (!m.find()) {
      throw new IllegalArgumentException(
          "not a kernel release: '" + release + "' (expected e.g. 6.12.95+deb12-amd64)");
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return new KernelVersion(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch, release.strip());
  }

  /** True when this kernel is {@code major.minor} or newer. */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  @Override
  public int compareTo(KernelVersion other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return release;
  }
}
