package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseTest {

  static final String RELEASE =
      """
      Origin: Debian
      Suite: unstable
      Codename: sid
      Date: Fri, 30 Oct 2026 08:08:01 UTC
      Valid-Until: Fri, 06 Nov 2026 08:08:01 UTC
      Acquire-By-Hash: yes
      Description: Debian x.y Unstable - Not Released
      SHA256:
       db5df6f8c6ff9c8e2e90907c9c7bd55512715433e978d3b94600842e74c3d31b 64988655 main/binary-amd64/Packages
       28476c952cd0732e0ba28e3c14fbb9a8beb412eb2b3cb96bf9d067d54caacf1b 10824484 main/binary-amd64/Packages.xz
      """;

  @Test
  void parsesFieldsDatesAndTheSha256List() {
    Release release = Release.parse("sid", RELEASE);

    assertEquals("unstable", release.suite());
    assertEquals("sid", release.codename());
    assertEquals(Optional.of(Instant.parse("2026-10-30T08:08:01Z")), release.date());
    assertEquals(Optional.of(Instant.parse("2026-11-06T08:08:01Z")), release.validUntil());
    assertEquals(2, release.files().size());
    assertEquals(64988655, release.file("main/binary-amd64/Packages").orElseThrow().size());
    assertTrue(release.file("main/binary-arm64/Packages.xz").isEmpty());
    assertTrue(release.isStaleAt(Instant.parse("2026-11-21T00:00:00Z")));
    assertFalse(release.isStaleAt(Instant.parse("2026-11-01T00:00:00Z")));
  }

  @Test
  void acceptsTheSuiteNameOrTheCodename() {
    assertEquals("sid", Release.parse("unstable", RELEASE).codename());
  }

  @Test
  void refusesAReleaseOfAnotherSuite() {
    DebianArchiveException e =
        assertThrows(DebianArchiveException.class, () -> Release.parse("bookworm", RELEASE));
    assertTrue(e.getMessage().contains("asked for suite 'bookworm'"), e.getMessage());
    assertTrue(e.getMessage().contains("Codename 'sid'"), e.getMessage());
  }

  @Test
  void reportsABadSha256Line() {
    String text =
        "Suite: stable\nCodename: trixie\nSHA256:\n nothex 12 main/binary-amd64/Packages\n";
    DebianArchiveException e =
        assertThrows(DebianArchiveException.class, () -> Release.parse("trixie", text));
    assertTrue(
        e.getMessage().contains("bad SHA256 line 'nothex 12 main/binary-amd64/Packages'"),
        e.getMessage());
  }

  @Test
  void singleDigitDaysAndMissingValidUntilParse() {
    Release release =
        Release.parse(
            "trixie", "Suite: stable\nCodename: trixie\nDate: Sat, 6 Sep 2025 10:16:37 UTC\n");
    assertEquals(Optional.of(Instant.parse("2025-09-06T10:16:37Z")), release.date());
    assertEquals(Optional.empty(), release.validUntil());
    assertFalse(release.acquireByHash());
  }
}
