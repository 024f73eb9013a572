package dev.pvpanic.harness.image.kmod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder laid out like Debian's headers, headers-common and kbuild {@code .deb}s extracted
 * together, with their links as the packages have them (absolute ones included), and nothing else.
 */
final class FakeHeaderTree {
  static final String RELEASE = "6.12.95+deb12-arm64";
  static final String ABI = "6.12.95+deb12";
  static final KernelPackages PACKAGES = KernelPackages.forRelease(RELEASE, "6.12.95-1~bpo12+1");

  private FakeHeaderTree() {}

  static Path create(Path root) throws IOException {
    Path headers = Files.createDirectories(root.resolve("usr/src/linux-headers-" + RELEASE));
    Path common = Files.createDirectories(root.resolve("usr/src/linux-headers-" + ABI + "-common"));
    Path kbuild = Files.createDirectories(root.resolve("usr/lib/linux-kbuild-" + ABI));
    Files.writeString(
        headers.resolve("Makefile"),
        "include /usr/src/linux-headers-" + ABI + "-common/Makefile\n");
    Files.writeString(
        headers.resolve(".config"),
        "CONFIG_CC_VERSION_TEXT=\"aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0\"\n"
            + "CONFIG_GCC_VERSION=120200\n"
            + "CONFIG_ARM64=y\n"
            + "# CONFIG_PVPANIC is not set\n");
    Files.writeString(headers.resolve("Module.symvers"), "");
    Files.writeString(common.resolve("Makefile"), "VERSION = 6\n");
    executable(Files.createDirectories(kbuild.resolve("scripts/basic")).resolve("fixdep"));
    executable(Files.createDirectories(kbuild.resolve("scripts/mod")).resolve("modpost"));
    // relative links, as in the packages
    Files.createSymbolicLink(
        headers.resolve("scripts"), Path.of("../../lib/linux-kbuild-" + ABI + "/scripts"));
    Files.createSymbolicLink(
        common.resolve("scripts"), Path.of("../../lib/linux-kbuild-" + ABI + "/scripts"));
    Files.createSymbolicLink(
        root.resolve("usr/src/linux-kbuild-" + ABI), Path.of("../lib/linux-kbuild-" + ABI));
    // absolute links, as in the packages
    Path modules = Files.createDirectories(root.resolve("lib/modules/" + RELEASE));
    Files.createSymbolicLink(
        modules.resolve("build"), Path.of("/usr/src/linux-headers-" + RELEASE));
    Files.createSymbolicLink(
        modules.resolve("source"), Path.of("/usr/src/linux-headers-" + ABI + "-common"));
    return root;
  }

  static void executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
