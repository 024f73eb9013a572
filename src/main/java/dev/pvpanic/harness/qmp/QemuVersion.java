package dev.pvpanic.harness.qmp;

import java.util.Comparator;

/**
 * A QEMU version as QMP reports it (greeting or {@code query-version}): {@code qemu.major}, {@code
 * qemu.minor}, {@code qemu.micro} and the free-form {@code package} string.
 */
public record QemuVersion(int major, int minor, int micro, String pkg)
    implements Comparable<QemuVersion> {

  private static final Comparator<QemuVersion> ORDER =
      Comparator.comparingInt(QemuVersion::major)
          .thenComparingInt(QemuVersion::minor)
          .thenComparingInt(QemuVersion::micro);

  public QemuVersion {
    pkg = pkg == null ? "" : pkg.strip();
  }

  public static QemuVersion of(int major, int minor, int micro) {
    return new QemuVersion(major, minor, micro, "");
  }

  /**
   * True when this build counts as release {@code major.minor} or newer for version rules. A
   * development version x.y.50 counts as x.y (what x.(y+1) brings may or may not be in it: only
   * introspection can tell); x.y.90 and later are release candidates of the next release (QEMU's
   * VERSION convention).
   */
  public boolean atLeast(int major, int minor) {
    QemuVersion release = release();
    return release.major > major || (release.major == major && release.minor >= minor);
  }

  /** Whether this is a development or release-candidate build (micro 50 or more). */
  public boolean development() {
    return micro >= 50;
  }

  /**
   * The release this version counts as: itself for a release or stable update, x.y for a
   * development version x.y.50, and the next release for a release candidate x.y.90+.
   */
  public QemuVersion release() {
    if (micro < 90) {
      return of(major, minor, 0);
    }
    return nextRelease();
  }

  /**
   * The release after this one: since 4.0 three a year, x.0, x.1, x.2, then (x+1).0; before, 2.12
   * was followed by 3.0 and 3.1 by 4.0.
   */
  QemuVersion nextRelease() {
    boolean lastOfMajor =
        (major >= 4 && minor >= 2) || (major == 3 && minor >= 1) || (major == 2 && minor >= 12);
    return lastOfMajor ? of(major + 1, 0, 0) : of(major, minor + 1, 0);
  }

  @Override
  public int compareTo(QemuVersion other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + micro + (pkg.isEmpty() ? "" : " (" + pkg + ")");
  }
}
