package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.debian.SourceEntry.SourceFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;

class SourcesIndexTest {

  /** Two versions of qemu (a point release and its predecessor) and one other source package. */
  static final String SOURCES =
      """
      Package: qemu
      Binary: qemu-system, qemu-system-arm, qemu-system-x86, qemu-utils
      Version: 1:7.2+dfsg-7+deb12u7
      Maintainer: Debian QEMU Team <pkg-qemu-devel@example.invalid>
      Build-Depends: debhelper-compat (= 12), python3:any, meson (>= 0.63.0~), ninja-build,
       libglib2.0-dev, libpixman-1-dev, libfdt-dev (>= 1.5.0-2~), zlib1g-dev
      Architecture: any all
      Standards-Version: 4.6.1
      Format: 3.0 (quilt)
      Files:
       0123456789abcdef0123456789abcdef 3504 qemu_7.2+dfsg-7+deb12u7.dsc
       fedcba9876543210fedcba9876543210 81524472 qemu_7.2+dfsg.orig.tar.xz
       00112233445566778899aabbccddeeff 170360 qemu_7.2+dfsg-7+deb12u7.debian.tar.xz
      Checksums-Sha256:
       1111111111111111111111111111111111111111111111111111111111111111 3504 qemu_7.2+dfsg-7+deb12u7.dsc
       2222222222222222222222222222222222222222222222222222222222222222 81524472 qemu_7.2+dfsg.orig.tar.xz
       3333333333333333333333333333333333333333333333333333333333333333 170360 qemu_7.2+dfsg-7+deb12u7.debian.tar.xz
      Homepage: https://www.qemu.org/
      Directory: pool/main/q/qemu
      Priority: optional
      Section: misc

      Package: qemu
      Version: 1:7.2+dfsg-7+deb12u6
      Format: 3.0 (quilt)
      Checksums-Sha256:
       4444444444444444444444444444444444444444444444444444444444444444 3500 qemu_7.2+dfsg-7+deb12u6.dsc
       2222222222222222222222222222222222222222222222222222222222222222 81524472 qemu_7.2+dfsg.orig.tar.xz
       5555555555555555555555555555555555555555555555555555555555555555 169000 qemu_7.2+dfsg-7+deb12u6.debian.tar.xz
      Directory: pool/main/q/qemu/

      Package: qemu-web-desktop
      Version: 24.01.22-1
      Checksums-Sha256:
       6666666666666666666666666666666666666666666666666666666666666666 1900 qemu-web-desktop_24.01.22-1.dsc
       7777777777777777777777777777777777777777777777777777777777777777 500000 qemu-web-desktop_24.01.22.orig.tar.gz
      Directory: pool/main/q/qemu-web-desktop
      """;

  static SourcesIndex index() throws IOException {
    return SourcesIndex.parse(
        "bookworm", new ByteArrayInputStream(SOURCES.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parsesFilesFromChecksumsSha256NotFromMd5Files() throws IOException {
    SourceEntry qemu = index().resolve("qemu", Optional.empty());

    assertEquals(
        new SourceEntry(
            "qemu",
            "1:7.2+dfsg-7+deb12u7",
            "pool/main/q/qemu",
            List.of(
                new SourceFile("qemu_7.2+dfsg-7+deb12u7.dsc", 3504, "1".repeat(64)),
                new SourceFile("qemu_7.2+dfsg.orig.tar.xz", 81524472, "2".repeat(64)),
                new SourceFile("qemu_7.2+dfsg-7+deb12u7.debian.tar.xz", 170360, "3".repeat(64)))),
        qemu);
    assertEquals("pool/main/q/qemu/qemu_7.2+dfsg.orig.tar.xz", qemu.poolPath(qemu.files().get(1)));
    assertEquals("qemu_7.2+dfsg-7+deb12u7.dsc", qemu.dsc().name());
  }

  @Test
  void resolvesTheNewestVersionOrTheExactOne() throws IOException {
    SourcesIndex index = index();
    assertEquals(
        List.of("1:7.2+dfsg-7+deb12u7", "1:7.2+dfsg-7+deb12u6"),
        index.versions("qemu").stream().map(SourceEntry::version).toList());
    SourceEntry older = index.resolve("qemu", Optional.of("1:7.2+dfsg-7+deb12u6"));
    assertEquals("pool/main/q/qemu", older.directory(), "a trailing slash is dropped");
    assertEquals("4".repeat(64), older.dsc().sha256());
  }

  @Test
  void anUnknownVersionListsTheVersionsThatExist() {
    PackageNotFoundException e =
        assertThrows(
            PackageNotFoundException.class,
            () -> index().resolve("qemu", Optional.of("1:8.0+dfsg-1")));
    assertEquals(
        "source package 'qemu' has no version '1:8.0+dfsg-1' in bookworm/main/source;"
            + " available: 1:7.2+dfsg-7+deb12u7, 1:7.2+dfsg-7+deb12u6",
        e.getMessage());
  }

  @Test
  void anUnknownNameSaysWhere() {
    PackageNotFoundException e =
        assertThrows(
            PackageNotFoundException.class, () -> index().resolve("qemo", Optional.empty()));
    assertEquals("no source package 'qemo' in bookworm/main/source", e.getMessage());
  }

  @Test
  void readsXzAndGzCompressedIndexes() throws IOException {
    byte[] plain = SOURCES.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (XZCompressorOutputStream out = new XZCompressorOutputStream(xz)) {
      out.write(plain);
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream out = new GzipCompressorOutputStream(gz)) {
      out.write(plain);
    }
    for (String name : List.of("main/source/Sources.xz", "main/source/Sources.gz")) {
      byte[] bytes = name.endsWith("xz") ? xz.toByteArray() : gz.toByteArray();
      assertEquals(
          index().versions("qemu"),
          SourcesIndex.parseCompressed("bookworm", name, new ByteArrayInputStream(bytes))
              .versions("qemu"),
          name);
    }
  }

  @Test
  void aStanzaWithoutChecksumsIsReportedByPackageName() {
    String broken = "Package: oops\nVersion: 1.0-1\nDirectory: pool/main/o/oops\n";
    DebianArchiveException e = assertThrows(DebianArchiveException.class, () -> parse(broken));
    assertEquals(
        "Sources of sid: source package 'oops' has no Checksums-Sha256 field", e.getMessage());
  }

  @Test
  void aFileNameThatIsAPathIsRefused() {
    for (String name : List.of("../../etc/passwd", "sub/dir.dsc", "..", ".hidden.dsc")) {
      String broken =
          "Package: oops\nVersion: 1.0-1\nDirectory: pool/main/o/oops\nChecksums-Sha256:\n "
              + "a".repeat(64)
              + " 10 "
              + name
              + "\n";
      DebianArchiveException e =
          assertThrows(DebianArchiveException.class, () -> parse(broken), name);
      assertTrue(e.getMessage().contains("bad Checksums-Sha256 line"), e.getMessage());
    }
  }

  @Test
  void aBadSizeOrHashIsRefused() {
    for (String line : List.of("abc 10 x.dsc", "a".repeat(64) + " ten x.dsc", "a".repeat(64))) {
      String broken =
          "Package: oops\nVersion: 1.0-1\nDirectory: pool/main/o/oops\nChecksums-Sha256:\n "
              + line
              + "\n";
      assertThrows(DebianArchiveException.class, () -> parse(broken), line);
    }
  }

  private static SourcesIndex parse(String text) throws IOException {
    return SourcesIndex.parse(
        "sid", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }
}
