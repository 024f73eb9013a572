package dev.pvpanic.harness.machine;

/** Which QEMU container image the container tests use. */
final class QemuImages {
  private QemuImages() {}

  static String containerImage() {
    String p = System.getProperty("pvh.qemu.image");
    if (p == null || p.isBlank()) {
      p = System.getenv("PVH_QEMU_IMAGE");
    }
    return p == null || p.isBlank() ? "pvh-qemu:bookworm-backports" : p;
  }
}
