package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock entry must name its own package: a SHA-256 edited to name another cached blob (a busybox
 * .deb under a kernel's name) is refused by size and by the .deb's own control file.
 */
class PinnedPackageCheckTest {
  @TempDir Path tmp;

  private Path busybox() {
    return new TestDeb()
        .control("Package: busybox-static\nVersion: 1:1.35.0-4+b3\nArchitecture: amd64\n", "gz")
        .writeTo(tmp.resolve("busybox.deb"));
  }

  private static LockedPackage pin(String name, String version, long size) {
    return new LockedPackage(
        "trixie", "amd64", name, version, "pool/main/x/" + name + ".deb", size, "a".repeat(64));
  }

  @Test
  void theFileOfThePinnedPackagePasses() throws IOException {
    Path deb = busybox();
    assertDoesNotThrow(
        () ->
            ArchiveFiles.checkIsThePinnedPackage(
                pin("busybox-static", "1:1.35.0-4+b3", Files.size(deb)), deb));
  }

  @Test
  void anotherPackagesFileOfTheSameSizeIsRefusedByItsControlFile() throws IOException {
    Path deb = busybox();
    LockFileException e =
        assertThrows(
            LockFileException.class,
            () ->
                ArchiveFiles.checkIsThePinnedPackage(
                    pin("linux-image-6.12.107+deb13-amd64", "6.12.107-1", Files.size(deb)), deb));
    assertTrue(
        e.getMessage()
            .contains(
                "which is busybox-static 1:1.35.0-4+b3, not the pinned"
                    + " linux-image-6.12.107+deb13-amd64 6.12.107-1"),
        e.getMessage());
    assertTrue(e.getMessage().contains("pvpanic images lock"), e.getMessage());
  }

  @Test
  void aFileOfAnotherSizeIsRefusedBeforeItIsOpened() throws IOException {
    Path deb = busybox();
    LockFileException e =
        assertThrows(
            LockFileException.class,
            () ->
                ArchiveFiles.checkIsThePinnedPackage(
                    pin("linux-image-amd64", "6.12.107-1", 12_345_678), deb));
    assertTrue(e.getMessage().contains("not the 12345678 bytes it pins"), e.getMessage());
  }
}
