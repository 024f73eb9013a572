package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolchainPackagesTest {

  @Test
  void theCompilerComesFromTheHeadersPackagesDepends() {
    // sid's linux-headers-7.2.13+deb14-arm64 and trixie-backports' 7.3.4 as the index lists them
    assertEquals(
        Optional.of(16),
        ToolchainPackages.gccMajor(
            List.of(
                "gcc-16-for-host",
                "linux-base",
                "linux-headers-7.2.13+deb14-common",
                "linux-kbuild-7.2.13+deb14")));
    assertEquals(
        Optional.of(14), ToolchainPackages.gccMajor(List.of("linux-base", "gcc-14-for-host")));
    assertEquals(Optional.of(12), ToolchainPackages.gccMajor(List.of("gcc-12", "linux-base")));
    assertEquals(
        Optional.empty(),
        ToolchainPackages.gccMajor(List.of("linux-base", "gcc-16-base", "libgcc-s1")));
  }

  @Test
  void rootsAreTheCrossCompilerBinutilsAndTheCompilersOwnHeaders() {
    assertEquals(
        List.of(
            "gcc-16-aarch64-linux-gnu", "binutils-aarch64-linux-gnu", "libgcc-16-dev-arm64-cross"),
        ToolchainPackages.roots(KernelArch.ARM64, 16));
    assertEquals(
        List.of(
            "gcc-14-x86-64-linux-gnu", "binutils-x86-64-linux-gnu", "libgcc-14-dev-amd64-cross"),
        ToolchainPackages.roots(KernelArch.X86_64, 14));
  }

  @Test
  void theClosureFollowsCc1AndHostLibrariesOnly() {
    assertTrue(ToolchainPackages.follow("cpp-16-aarch64-linux-gnu", KernelArch.ARM64, 16));
    assertTrue(ToolchainPackages.follow("libmpfr6", KernelArch.ARM64, 16));
    assertTrue(ToolchainPackages.follow("zlib1g", KernelArch.ARM64, 16));
    assertFalse(ToolchainPackages.follow("cpp-15-aarch64-linux-gnu", KernelArch.ARM64, 16));
    assertFalse(ToolchainPackages.follow("libgcc-s1-arm64-cross", KernelArch.ARM64, 16));
    assertFalse(ToolchainPackages.follow("binutils-common", KernelArch.ARM64, 16));
    assertFalse(ToolchainPackages.follow("gcc-16-aarch64-linux-gnu-base", KernelArch.ARM64, 16));
    assertFalse(ToolchainPackages.follow("pahole", KernelArch.ARM64, 16));
  }

  @Test
  void thePinnedGccIsFoundAmongTheToolchainsPins() {
    List<String> pins =
        List.of(
            "binutils-aarch64-linux-gnu",
            "cpp-14-aarch64-linux-gnu",
            "gcc-14-aarch64-linux-gnu",
            "libgcc-14-dev-arm64-cross");
    assertEquals(Optional.of(14), ToolchainPackages.gccMajorOfPins(pins, KernelArch.ARM64));
    assertEquals(Optional.empty(), ToolchainPackages.gccMajorOfPins(pins, KernelArch.X86_64));
  }

  @Test
  void theKernelsOwnTreeIsNoPartOfTheToolchain() {
    assertFalse(ToolchainPackages.isToolchain("linux-headers-7.2.13+deb14-arm64"));
    assertFalse(ToolchainPackages.isToolchain("linux-kbuild-7.2.13+deb14"));
    assertFalse(ToolchainPackages.isToolchain("linux-source-7.2"));
    assertTrue(ToolchainPackages.isToolchain("gcc-16-aarch64-linux-gnu"));
    assertTrue(ToolchainPackages.isToolchain("libc6"));
  }
}
