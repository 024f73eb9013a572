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

  /** True when this version is {@code major.minor} or newer. */
  public boolean atLeast(int major, int minor) {
    return compareTo(of(major, minor, 0)) >= 0;
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
