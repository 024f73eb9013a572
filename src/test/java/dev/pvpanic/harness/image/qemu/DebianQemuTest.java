package dev.pvpanic.harness.image.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.machine.Architecture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebianQemuTest {

  @Test
  void requestsParseSuiteAndOptionalVersion() {
    assertEquals(
        new DebianQemu.Request("bookworm-backports", Optional.empty()),
        DebianQemu.Request.parse("bookworm-backports"));
    DebianQemu.Request pinned =
        DebianQemu.Request.parse("bookworm-backports=1:10.0.2+ds-2~bpo12+1");
    assertEquals(Optional.of("1:10.0.2+ds-2~bpo12+1"), pinned.version());
    assertEquals("debian:bookworm-backports=1:10.0.2+ds-2~bpo12+1", pinned.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DebianQemu.Request.parse("Book worm"));
    assertTrue(DebianQemu.Request.parse("5.2").series());
    assertTrue(!DebianQemu.Request.parse("bullseye").series());
    assertThrows(
        IllegalArgumentException.class, () -> DebianQemu.Request.parse("5.2=1:5.2+dfsg-11"));
    assertTrue(e.getMessage().contains("debian:<suite>=<version>"), e.getMessage());
  }

  @Test
  void lockKeysNameRequestHostArchitectureAndEmulator() {
    assertEquals(
        "debian:bookworm-backports/amd64/qemu-system-arm+libraries",
        DebianQemu.lockKey(
            DebianQemu.Request.parse("bookworm-backports"), "amd64", Architecture.AARCH64));
  }

  @Test
  void theDerivedKeyFollowsThePackageHashes() {
    LockedPackage a = new LockedPackage("s", "amd64", "a", "1", "pool/a.deb", 1, "a".repeat(64));
    LockedPackage b = new LockedPackage("s", "amd64", "b", "1", "pool/b.deb", 1, "b".repeat(64));
    String key = DebianQemu.derivedKey(List.of(a, b));
    assertTrue(key.matches("qemu-[0-9a-f]{32}"), key);
    assertEquals(key, DebianQemu.derivedKey(List.of(a, b)));
    assertNotEquals(key, DebianQemu.derivedKey(List.of(a)));
  }

  @Test
  void theLoaderListingNamesMissingLibrariesAndOnesTakenFromTheHost() {
    String listing =
        "\tlinux-vdso.so.1 (0x00007ffd)\n"
            + "\t/lib64/ld-linux-x86-64.so.2 => /c/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 (0x1)\n"
            + "\tlibcapstone.so.5 => not found\n"
            + "\tlibz.so.1 => /c/usr/lib/x86_64-linux-gnu/libz.so.1 (0x00007f)\n"
            + "\tlibzstd.so.1 => /lib/x86_64-linux-gnu/libzstd.so.1 (0x00007f)\n";
    assertEquals(
        List.of(
            "libcapstone.so.5 (not found)",
            "libzstd.so.1 (from the host's /lib/x86_64-linux-gnu/libzstd.so.1)"),
        dev.pvpanic.harness.image.debian.LoaderListing.parseProblems(
            listing, java.nio.file.Path.of("/c")));
    assertEquals(
        List.of(),
        dev.pvpanic.harness.image.debian.LoaderListing.parseProblems(
            "\tlibc.so.6 => /c/lib/libc.so.6 (0x1)\n", java.nio.file.Path.of("/c")));
    // a root that is only a prefix of another folder's name is not that folder
    assertEquals(
        List.of("libc.so.6 (from the host's /cc/libc.so.6)"),
        dev.pvpanic.harness.image.debian.LoaderListing.parseProblems(
            "\tlibc.so.6 => /cc/libc.so.6 (0x1)\n", java.nio.file.Path.of("/c")));
  }
}
