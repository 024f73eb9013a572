package dev.pvpanic.harness.faults;

/** What strikes a cell's QEMU. */
public enum Fault {
  NONE,
  QEMU_SIGKILL,
  QEMU_SIGSTOP,
  QMP_SOCKET_SHUT,
  CONSOLE_SOCKET_SHUT,
  /** A byte of the cell's snapshot stream flipped, before the cell. */
  SNAPSHOT_CORRUPT,
  /** The cell's snapshot stream cut in half, before the cell. */
  SNAPSHOT_TRUNCATED,
  /** The cell's image's initramfs cut in half, before the cell. */
  IMAGE_DAMAGED,
  /** The image built again through a mirror that cuts the kernel package's download. */
  DOWNLOAD_TRUNCATED,
  /** The harness JVM killed with SIGKILL mid-cell, then a second run started. */
  JVM_SIGKILL;

  /** Faults on the cache or the JVM: struck with no other cell running. */
  boolean alone() {
    return ordinal() >= SNAPSHOT_CORRUPT.ordinal();
  }

  String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
