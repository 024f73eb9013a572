package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageEntry;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
        ToolchainPackages.roots(KernelArch.ARM64, 16, "amd64"));
    assertEquals(
        List.of(
            "gcc-14-x86-64-linux-gnu", "binutils-x86-64-linux-gnu", "libgcc-14-dev-amd64-cross"),
        ToolchainPackages.roots(KernelArch.X86_64, 14, "arm64"));
  }

  @Test
  void aNativeToolchainTakesTheCompilersOwnFilesFromLibgccDev() {
    // trixie amd64: gcc-14 depends on gcc-14-x86-64-linux-gnu; stdarg.h is in libgcc-14-dev
    assertEquals(
        List.of("gcc-14-x86-64-linux-gnu", "binutils-x86-64-linux-gnu", "libgcc-14-dev"),
        ToolchainPackages.roots(KernelArch.X86_64, 14, "amd64"));
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

  private static final String V73 = "7.3.4-1~bpo13+1";
  private static final String GCC = "14.2.0-19cross1";

  private static String stanza(String name, String version, String arch, String depends) {
    return "Package: "
        + name
        + "\nVersion: "
        + version
        + "\nArchitecture: "
        + arch
        + (depends.isEmpty() ? "" : "\nDepends: " + depends)
        + "\nFilename: pool/main/x/"
        + name
        + "_"
        + version.replace(':', '_')
        + "_"
        + arch
        + ".deb\nSize: 100\nSHA256: "
        + "0".repeat(63)
        + (Math.abs((name + version).hashCode()) % 10)
        + "\n\n";
  }

  private static PackagesIndex index(String suite, String arch, String... stanzas) {
    try {
      return PackagesIndex.parse(
          suite,
          arch,
          new ByteArrayInputStream(String.join("", stanzas).getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** trixie-backports over trixie for amd64, shaped like the archive's entries. */
  private static List<PackagesIndex> trixieBackportsView() {
    PackagesIndex backports =
        index(
            "trixie-backports",
            "amd64",
            stanza(
                "linux-kbuild-7.3.4+deb13",
                V73,
                "amd64",
                "pahole, libc6 (>= 2.38), libelf1t64 (>= 0.144), zlib1g (>= 1:1.2.3.4)"),
            stanza("libelf1t64", "0.196-1~bpo13+2", "amd64", "libc6 (>= 2.38), zlib1g"));
    PackagesIndex trixie =
        index(
            "trixie",
            "amd64",
            stanza(
                "gcc-14-aarch64-linux-gnu",
                GCC,
                "amd64",
                "cpp-14-aarch64-linux-gnu (= "
                    + GCC
                    + "), gcc-14-aarch64-linux-gnu-base (= "
                    + GCC
                    + "), binutils-aarch64-linux-gnu (>= 2.39), libgcc-14-dev-arm64-cross (>= "
                    + GCC
                    + "), libc6 (>= 2.38), libmpfr6 (>= 4.2.0)"),
            stanza("cpp-14-aarch64-linux-gnu", GCC, "amd64", "libc6 (>= 2.38), libmpfr6"),
            // a newer cpp than the gcc names: the exact dependency wins
            stanza("cpp-14-aarch64-linux-gnu", "14.2.0-20cross1", "amd64", "libc6"),
            stanza("gcc-14-aarch64-linux-gnu-base", GCC, "amd64", ""),
            stanza(
                "binutils-aarch64-linux-gnu",
                "2.44-3",
                "amd64",
                "binutils-common (= 2.44-3), libc6 (>= 2.38), libsframe1 (>= 2.44)"),
            stanza("binutils-common", "2.44-3", "amd64", ""),
            stanza("libsframe1", "2.44-3", "amd64", "libc6"),
            stanza(
                "libgcc-14-dev-arm64-cross",
                GCC,
                "all",
                "gcc-14-cross-base (>= 14.2.0-19), libgcc-s1-arm64-cross (>= " + GCC + ")"),
            stanza("libgcc-s1-arm64-cross", GCC, "all", ""),
            stanza("gcc-14-cross-base", "14.2.0-19", "all", ""),
            stanza("libc6", "2.41-12+deb13u5", "amd64", "libgcc-s1"),
            stanza("libgcc-s1", "14.2.0-19", "amd64", "gcc-14-base, libc6"),
            stanza("gcc-14-base", "14.2.0-19", "amd64", ""),
            stanza("libmpfr6", "4.2.2-1", "amd64", "libc6, libgmp10"),
            stanza("libgmp10", "2:6.3.0+dfsg-3", "amd64", "libc6"),
            stanza("libelf1t64", "0.192-4", "amd64", "libc6"),
            stanza("zlib1g", "1:1.3.dfsg+really1.3.1-1+deb13u1", "amd64", "libc6"));
    return List.of(backports, trixie);
  }

  private static PackageEntry headers(String depends) {
    return index(
            "trixie-backports",
            "arm64",
            stanza("linux-headers-7.3.4+deb13-arm64", V73, "arm64", depends))
        .resolve("linux-headers-7.3.4+deb13-arm64", Optional.empty());
  }

  @Test
  void theToolchainIsTheGccTheHeadersNameWithItsHostLibrariesDownToLibc() {
    List<PackagesIndex> view = trixieBackportsView();
    PackageEntry kbuild = view.get(0).resolve("linux-kbuild-7.3.4+deb13", Optional.empty());
    KernelPackages names = KernelPackages.forRelease("7.3.4+deb13-arm64", V73);

    List<LockedPackage> pins =
        ToolchainPackages.resolve(
            view,
            names,
            headers(
                "gcc-14-for-host, linux-base (>= 4.12~), linux-headers-7.3.4+deb13-common (= "
                    + V73
                    + "), linux-kbuild-7.3.4+deb13"),
            kbuild,
            "amd64");

    Map<String, String> got = new TreeMap<>();
    pins.forEach(p -> got.put(p.name(), p.version() + " " + p.suite()));
    assertEquals(
        Map.ofEntries(
            Map.entry("binutils-aarch64-linux-gnu", "2.44-3 trixie"),
            Map.entry("cpp-14-aarch64-linux-gnu", GCC + " trixie"),
            Map.entry("gcc-14-aarch64-linux-gnu", GCC + " trixie"),
            Map.entry("libc6", "2.41-12+deb13u5 trixie"),
            Map.entry("libelf1t64", "0.196-1~bpo13+2 trixie-backports"),
            Map.entry("libgcc-14-dev-arm64-cross", GCC + " trixie"),
            Map.entry("libgcc-s1", "14.2.0-19 trixie"),
            Map.entry("libgmp10", "2:6.3.0+dfsg-3 trixie"),
            Map.entry("libmpfr6", "4.2.2-1 trixie"),
            Map.entry("libsframe1", "2.44-3 trixie"),
            Map.entry("zlib1g", "1:1.3.dfsg+really1.3.1-1+deb13u1 trixie")),
        got);
  }

  @Test
  void headersThatNameNoCompilerAreRefused() {
    List<PackagesIndex> view = trixieBackportsView();
    PackageEntry kbuild = view.get(0).resolve("linux-kbuild-7.3.4+deb13", Optional.empty());

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () ->
                ToolchainPackages.resolve(
                    view,
                    KernelPackages.forRelease("7.3.4+deb13-arm64", V73),
                    headers("linux-base (>= 4.12~), linux-kbuild-7.3.4+deb13"),
                    kbuild,
                    "amd64"));
    assertTrue(e.getMessage().contains("names no compiler"), e.getMessage());
  }
}
