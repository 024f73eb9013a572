package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.debian.LockedPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLockTest {
  private static final LockedPackage QEMU =
      new LockedPackage(
          "bookworm-backports",
          "amd64",
          "qemu-system-x86",
          "1:10.0.2",
          "pool/main/q/qemu/qemu-system-x86.deb",
          10,
          "a".repeat(64));
  private static final LockedPackage BUSYBOX =
      new LockedPackage(
          "bookworm", "amd64", "busybox-static", "1", "pool/main/b/b.deb", 1, "b".repeat(64));

  @Test
  void aLockWithoutAQemuSectionReadsAndWritesUnchanged(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lock.json");
    ImageLock.empty()
        .with("r", new ImageLock.RecipePins(List.of(), List.of(BUSYBOX), List.of()))
        .write(file);
    assertFalse(Files.readString(file).contains("qemu"), Files.readString(file));
    ImageLock read = ImageLock.readOrEmpty(file);
    assertEquals(Optional.empty(), read.qemuPins("debian:x/amd64/qemu-system-x86"));
    assertEquals(List.of(BUSYBOX), read.pins("r").orElseThrow().userland());
  }

  @Test
  void qemuPinsSurviveAWriteAndARecipeRelock(@TempDir Path dir) {
    Path file = dir.resolve("lock.json");
    String key = "debian:bookworm-backports/amd64/qemu-system-x86";
    ImageLock.empty().withQemu(key, List.of(QEMU)).write(file);
    ImageLock relocked =
        ImageLock.readOrEmpty(file)
            .with("r", new ImageLock.RecipePins(List.of(), List.of(BUSYBOX), List.of()));
    relocked.write(file);
    ImageLock read = ImageLock.readOrEmpty(file);
    assertEquals(Optional.of(List.of(QEMU)), read.qemuPins(key));
    assertTrue(read.pins("r").isPresent());
  }
}
