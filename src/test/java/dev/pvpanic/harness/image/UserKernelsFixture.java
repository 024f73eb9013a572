package dev.pvpanic.harness.image;

import java.nio.file.Path;

/** Kernel package files for tests outside this package. */
public final class UserKernelsFixture {
  private UserKernelsFixture() {}

  /** A small amd64 linux-image package with a boot/vmlinuz and its config. */
  public static Path amd64Kernel(Path file) {
    return UserKernelsTest.kernelDeb(
        file,
        "linux-image-6.12.107+deb13-amd64",
        "amd64",
        "./boot/",
        "./boot/config-6.12.107+deb13-amd64",
        "./boot/vmlinuz-6.12.107+deb13-amd64");
  }

  /** A fake x86_64 build folder (see BuildTreeFixture); its Makefile knows only modules_install. */
  public static Path x86BuildTree(Path folder, String config) {
    return BuildTreeFixture.x86Tree(folder, config);
  }
}
