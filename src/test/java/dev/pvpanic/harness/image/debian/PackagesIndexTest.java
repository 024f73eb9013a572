package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;

class PackagesIndexTest {

  static final String PACKAGES =
      """
      Package: linux-image-6.12.95+deb12-amd64
      Source: linux-signed-amd64 (6.12.95+1~bpo12+1)
      Version: 6.12.95-1~bpo12+1
      Installed-Size: 412345
      Maintainer: Kernel Team <kernel@example.invalid>
      Architecture: amd64
      Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
      Description: Linux 6.12 for 64-bit PCs (signed)
       The Linux kernel 6.12 and modules for use on PCs with AMD64, Intel 64 or
       VIA Nano processors.
       .
       The kernel image is signed for use with Secure Boot.
      Filename: pool/main/l/linux-signed-amd64/linux-image-6.12.95+deb12-amd64_6.12.95-1~bpo12+1_amd64.deb
      Size: 106422608
      SHA256: 1111111111111111111111111111111111111111111111111111111111111111

      Package: linux-image-amd64
      Source: linux-signed-amd64 (6.12.95+1~bpo12+1)
      Version: 6.12.95-1~bpo12+1
      Architecture: amd64
      Depends: linux-image-6.12.95+deb12-amd64 (= 6.12.95-1~bpo12+1)
      Provides: wireguard-modules (= 1.0.0)
      Filename: pool/main/l/linux-signed-amd64/linux-image-amd64_6.12.95-1~bpo12+1_amd64.deb
      Size: 1484
      SHA256: 2222222222222222222222222222222222222222222222222222222222222222

      Package: linux-image-amd64
      Source: linux-signed-amd64 (6.12.94+1~bpo12+1)
      Version: 6.12.94-1~bpo12+1
      Architecture: amd64
      Filename: pool/main/l/linux-signed-amd64/linux-image-amd64_6.12.94-1~bpo12+1_amd64.deb
      Size: 1480
      SHA256: 3333333333333333333333333333333333333333333333333333333333333333

      Package: linux-source-6.12
      Source: linux
      Version: 6.12.95-1~bpo12+1
      Architecture: all
      Filename: pool/main/l/linux/linux-source-6.12_6.12.95-1~bpo12+1_all.deb
      Size: 150000000
      SHA256: 4444444444444444444444444444444444444444444444444444444444444444

      Package: busybox-static
      Version: 1:1.35.0-4+b3
      Architecture: amd64
      Provides: busybox
      Filename: pool/main/b/busybox/busybox-static_1.35.0-4+b3_amd64.deb
      Size: 822236
      SHA256: 5555555555555555555555555555555555555555555555555555555555555555
      """;

  static PackagesIndex index() throws IOException {
    return PackagesIndex.parse(
        "bookworm-backports",
        "amd64",
        new ByteArrayInputStream(PACKAGES.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parsesStanzasWithContinuationLines() throws IOException {
    PackageEntry kernel = index().resolve("linux-image-6.12.95+deb12-amd64", Optional.empty());

    assertEquals(
        new PackageEntry(
            "linux-image-6.12.95+deb12-amd64",
            "6.12.95-1~bpo12+1",
            "amd64",
            "pool/main/l/linux-signed-amd64/linux-image-6.12.95+deb12-amd64_6.12.95-1~bpo12+1_amd64.deb",
            106422608,
            "1111111111111111111111111111111111111111111111111111111111111111",
            "linux-signed-amd64",
            "kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool",
            ""),
        kernel);
    assertEquals(4, index().size());
  }

  @Test
  void keepsArchitectureAllPackagesAndDefaultsSourceToTheName() throws IOException {
    PackagesIndex index = index();
    assertEquals("all", index.resolve("linux-source-6.12", Optional.empty()).architecture());
    assertEquals("linux", index.resolve("linux-source-6.12", Optional.empty()).source());
    assertEquals("busybox-static", index.resolve("busybox-static", Optional.empty()).source());
  }

  @Test
  void resolvesTheNewestVersionOrTheExactOne() throws IOException {
    PackagesIndex index = index();
    assertEquals(
        "6.12.95-1~bpo12+1", index.resolve("linux-image-amd64", Optional.empty()).version());
    assertEquals(
        "6.12.94-1~bpo12+1",
        index.resolve("linux-image-amd64", Optional.of("6.12.94-1~bpo12+1")).version());
    assertEquals(
        List.of("6.12.95-1~bpo12+1", "6.12.94-1~bpo12+1"),
        index.versions("linux-image-amd64").stream().map(PackageEntry::version).toList());
  }

  @Test
  void anUnknownVersionListsTheVersionsThatExist() throws IOException {
    PackageNotFoundException e =
        assertThrows(
            PackageNotFoundException.class,
            () -> index().resolve("linux-image-amd64", Optional.of("6.12.96-1")));
    assertEquals(
        "package 'linux-image-amd64' has no version '6.12.96-1' in bookworm-backports/main/binary-amd64;"
            + " available: 6.12.95-1~bpo12+1, 6.12.94-1~bpo12+1",
        e.getMessage());
  }

  @Test
  void anUnknownNameListsCloseNames() throws IOException {
    PackageNotFoundException e =
        assertThrows(
            PackageNotFoundException.class,
            () -> index().resolve("linux-image-6.12.94+deb12-amd64", Optional.empty()));
    assertTrue(
        e.getMessage()
            .startsWith(
                "no package 'linux-image-6.12.94+deb12-amd64' in bookworm-backports/main/binary-amd64; similar names: linux-image-6.12.95+deb12-amd64"),
        e.getMessage());

    PackageNotFoundException far =
        assertThrows(
            PackageNotFoundException.class,
            () -> index().resolve("qemu-system-x86", Optional.empty()));
    assertTrue(far.getMessage().endsWith("(and no similarly named one)"), far.getMessage());
  }

  @Test
  void findsProvidersOfVirtualPackages() throws IOException {
    assertEquals(
        List.of("busybox-static"),
        index().providersOf("busybox").stream().map(PackageEntry::name).toList());
    assertEquals(
        List.of("linux-image-amd64"),
        index().providersOf("wireguard-modules").stream().map(PackageEntry::name).toList());
  }

  @Test
  void readsXzAndGzCompressedIndexes() throws IOException {
    byte[] plain = PACKAGES.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (XZCompressorOutputStream out = new XZCompressorOutputStream(xz)) {
      out.write(plain);
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream out = new GzipCompressorOutputStream(gz)) {
      out.write(plain);
    }
    PackagesIndex fromXz =
        PackagesIndex.parseCompressed(
            "sid",
            "amd64",
            "main/binary-amd64/Packages.xz",
            new ByteArrayInputStream(xz.toByteArray()));
    PackagesIndex fromGz =
        PackagesIndex.parseCompressed(
            "sid",
            "amd64",
            "main/binary-amd64/Packages.gz",
            new ByteArrayInputStream(gz.toByteArray()));
    assertEquals(index().names(), fromXz.names());
    assertEquals(index().names(), fromGz.names());
  }

  @Test
  void aStanzaWithoutFilenameIsReportedByPackageName() {
    String broken = "Package: oops\nVersion: 1.0\nArchitecture: amd64\nSize: 1\nSHA256: ab\n";
    DebianArchiveException e =
        assertThrows(
            DebianArchiveException.class,
            () ->
                PackagesIndex.parse(
                    "sid",
                    "arm64",
                    new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8))));
    assertEquals("Packages of sid/arm64: package 'oops' has no Filename field", e.getMessage());
  }

  @Test
  void editDistanceGivesUpPastTheLimit() {
    assertEquals(1, PackagesIndex.editDistance("linux-image-6.12.94", "linux-image-6.12.95", 3));
    assertEquals(3, PackagesIndex.editDistance("kitten", "sitting", 3));
    assertEquals(3, PackagesIndex.editDistance("busybox", "qemu-system-arm", 2));
  }
}
