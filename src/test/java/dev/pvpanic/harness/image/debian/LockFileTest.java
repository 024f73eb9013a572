package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {

  @TempDir Path tmp;

  static final LockedPackage SID_KERNEL =
      new LockedPackage(
          "sid",
          "amd64",
          "linux-image-amd64",
          "7.2.13-1",
          "pool/main/l/linux-signed-amd64/linux-image-amd64_7.2.13-1_amd64.deb",
          1692,
          "a".repeat(64));
  static final LockedPackage BUSYBOX_ARM =
      new LockedPackage(
          "bookworm",
          "arm64",
          "busybox-static",
          "1:1.35.0-4+deb12u1+b1",
          "pool/main/b/busybox/busybox-static_1.35.0-4+deb12u1+b1_arm64.deb",
          822236,
          "b".repeat(64));
  static final LockedPackage BUSYBOX_AMD =
      new LockedPackage(
          "bookworm",
          "amd64",
          "busybox-static",
          "1:1.35.0-4+deb12u1+b1",
          "pool/main/b/busybox/busybox-static_1.35.0-4+deb12u1+b1_amd64.deb",
          800000,
          "c".repeat(64));

  @Test
  void writesSortedStablePrettyJson() {
    String json = LockFile.of(List.of(SID_KERNEL, BUSYBOX_ARM, BUSYBOX_AMD)).toJson();

    assertEquals(
        """
        {
          "format" : 1,
          "packages" : [
            {
              "suite" : "bookworm",
              "arch" : "amd64",
              "name" : "busybox-static",
              "version" : "1:1.35.0-4+deb12u1+b1",
              "filename" : "pool/main/b/busybox/busybox-static_1.35.0-4+deb12u1+b1_amd64.deb",
              "size" : 800000,
              "sha256" : "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
            },
            {
              "suite" : "bookworm",
              "arch" : "arm64",
              "name" : "busybox-static",
              "version" : "1:1.35.0-4+deb12u1+b1",
              "filename" : "pool/main/b/busybox/busybox-static_1.35.0-4+deb12u1+b1_arm64.deb",
              "size" : 822236,
              "sha256" : "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
            },
            {
              "suite" : "sid",
              "arch" : "amd64",
              "name" : "linux-image-amd64",
              "version" : "7.2.13-1",
              "filename" : "pool/main/l/linux-signed-amd64/linux-image-amd64_7.2.13-1_amd64.deb",
              "size" : 1692,
              "sha256" : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            }
          ]
        }
        """,
        json);
    assertEquals(
        json,
        LockFile.of(List.of(BUSYBOX_AMD, SID_KERNEL, BUSYBOX_ARM)).toJson(),
        "input order must not matter");
  }

  @Test
  void roundTripsThroughAFileAndLooksUpByKey() {
    Path file = tmp.resolve("images/packages.lock.json");
    LockFile.empty().with(SID_KERNEL).with(BUSYBOX_ARM).write(file);

    LockFile read = LockFile.read(file);

    assertEquals(List.of(BUSYBOX_ARM, SID_KERNEL), read.packages());
    assertEquals(Optional.of(SID_KERNEL), read.find("sid", "amd64", "linux-image-amd64"));
    assertEquals(Optional.empty(), read.find("sid", "arm64", "linux-image-amd64"));
    assertEquals(Optional.empty(), read.find("trixie", "amd64", "linux-image-amd64"));
  }

  @Test
  void withReplacesThePinOfTheSameKey() {
    LockedPackage newer =
        new LockedPackage(
            "sid",
            "amd64",
            "linux-image-amd64",
            "7.2.14-1",
            "pool/main/l/x_7.2.14-1_amd64.deb",
            1700,
            "d".repeat(64));

    LockFile lock = LockFile.of(List.of(SID_KERNEL)).with(newer);

    assertEquals(List.of(newer), lock.packages());
  }

  @Test
  void refusesTwoPinsForOneKey() {
    LockedPackage other =
        new LockedPackage(
            "sid", "amd64", "linux-image-amd64", "7.2.14-1", "pool/x.deb", 1, "d".repeat(64));
    LockFileException e =
        assertThrows(LockFileException.class, () -> LockFile.of(List.of(SID_KERNEL, other)));
    assertTrue(e.getMessage().contains("7.2.13-1 and 7.2.14-1"), e.getMessage());
  }

  @Test
  void aMissingFileReadsAsEmptyOnlyWhenAskedTo() {
    Path file = tmp.resolve("none.json");
    assertEquals(List.of(), LockFile.readOrEmpty(file).packages());
    assertThrows(LockFileException.class, () -> LockFile.read(file));
  }

  @Test
  void namesTheBadEntry() throws IOException {
    Path file = tmp.resolve("lock.json");
    Files.writeString(
        file,
        "{\"format\":1,\"packages\":[{\"suite\":\"sid\",\"arch\":\"amd64\",\"name\":\"x\",\"version\":\"1\","
            + "\"filename\":\"pool/x.deb\",\"size\":1,\"sha256\":\"not-a-hash\"}]}");

    LockFileException e = assertThrows(LockFileException.class, () -> LockFile.read(file));

    assertTrue(e.getMessage().contains("packages[0]: sha256 'not-a-hash'"), e.getMessage());
  }

  @Test
  void refusesAnotherFormat() throws IOException {
    Path file = Files.writeString(tmp.resolve("lock.json"), "{\"format\":2,\"packages\":[]}");
    LockFileException e = assertThrows(LockFileException.class, () -> LockFile.read(file));
    assertTrue(e.getMessage().contains("format 2"), e.getMessage());
  }

  @Test
  void refusesPoolPathsThatClimbOut() throws IOException {
    Path file = tmp.resolve("lock.json");
    Files.writeString(
        file,
        "{\"format\":1,\"packages\":[{\"suite\":\"sid\",\"arch\":\"amd64\",\"name\":\"x\",\"version\":\"1\","
            + "\"filename\":\"pool/../../x.deb\",\"size\":1,\"sha256\":\""
            + "e".repeat(64)
            + "\"}]}");
    assertThrows(LockFileException.class, () -> LockFile.read(file));
  }
}
