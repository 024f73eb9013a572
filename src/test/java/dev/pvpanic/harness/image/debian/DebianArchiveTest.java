package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.FakeMirror.Published;
import dev.pvpanic.harness.image.debian.TestDeb.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianArchiveTest {

  static TestSigningKey archiveKey;

  @TempDir Path tmp;
  FakeMirror mirror;
  ContentStore store;
  List<DownloadProgress> progress;
  Published busybox;
  Published kexec;

  static final DebianArchive.Timeouts FAST =
      new DebianArchive.Timeouts(
          Duration.ofSeconds(5), Duration.ofSeconds(5), 3, Duration.ofMillis(10));

  @BeforeAll
  static void key() {
    archiveKey = TestSigningKey.generate("Test Archive Key", true, new java.util.Date(), 0);
  }

  @BeforeEach
  void publish() throws IOException {
    mirror = new FakeMirror();
    store = new ContentStore(tmp.resolve("cache"));
    progress = Collections.synchronizedList(new ArrayList<>());
    byte[] busyboxDeb =
        Files.readAllBytes(
            new TestDeb()
                .control(
                    "Package: busybox-static\nVersion: 1:1.35.0-4+b3\nArchitecture: arm64\n", "gz")
                .add(Entry.dir("./"))
                .add(Entry.dir("./bin/"))
                .add(Entry.file("./bin/busybox", 0755, "#!/bin/sh\n"))
                .writeTo(tmp.resolve("busybox.deb")));
    busybox = FakeMirror.pkg("pool/main", "busybox-static", "1:1.35.0-4+b3", "arm64", busyboxDeb);
    kexec =
        FakeMirror.pkg(
            "pool/main",
            "kexec-tools",
            "1:2.0.25-3",
            "arm64",
            Files.readAllBytes(
                new TestDeb()
                    .control(
                        "Package: kexec-tools\nVersion: 1:2.0.25-3\nArchitecture: arm64\n", "gz")
                    .add(Entry.dir("./"))
                    .writeTo(tmp.resolve("kexec.deb"))));
    mirror.publishSuite(
        "debian", "bookworm", "bookworm", "arm64", false, archiveKey, List.of(busybox, kexec));
  }

  @AfterEach
  void stop() {
    mirror.close();
  }

  DebianArchive archive() {
    return archive(FAST);
  }

  DebianArchive archive(DebianArchive.Timeouts timeouts) {
    return archive(timeouts, false);
  }

  DebianArchive archive(DebianArchive.Timeouts timeouts, boolean allowStale) {
    return new DebianArchive(
        mirror.mirrors(),
        archiveKey.asKeyring(),
        store,
        DebianArchive.defaultHttpClient(),
        progress::add,
        timeouts,
        allowStale);
  }

  @Test
  void anExpiredReleaseIsRefusedUnlessAllowed() {
    mirror.validUntil("Fri, 06 Nov 2026 08:08:01 UTC");
    mirror.publishSuite("debian", "trixie", "trixie", "arm64", false, archiveKey, List.of(busybox));

    DebianArchiveException e =
        assertThrows(DebianArchiveException.class, () -> archive().release("trixie"));
    assertTrue(
        e.getMessage().contains("expired at 2026-11-06T08:08:01Z")
            && e.getMessage().contains("PVH_DEBIAN_ALLOW_STALE"),
        e.getMessage());
    assertEquals("trixie", archive(FAST, true).release("trixie").codename());
  }

  @Test
  void resolvesAndFetchesAPackageVerifiedFromInReleaseDown() throws IOException {
    DebianArchive archive = archive();

    PackageEntry entry =
        archive.packages("bookworm", "arm64").resolve("busybox-static", Optional.empty());
    Path deb = archive.fetch(entry);

    assertEquals(busybox.entry().filename(), entry.filename());
    assertEquals(busybox.entry().sha256(), entry.sha256());
    assertArrayEquals(busybox.deb(), Files.readAllBytes(deb));
    assertEquals("busybox-static", DebFile.control(deb).get("Package").orElseThrow());
    assertEquals(
        List.of(
            "/debian/dists/bookworm/InRelease",
            "/debian/dists/bookworm/main/binary-arm64/Packages.xz",
            "/debian/" + busybox.entry().filename()),
        mirror.requests());
    DownloadProgress last = progress.get(progress.size() - 1);
    assertTrue(last.done());
    assertEquals(busybox.deb().length, last.bytes());
    assertEquals(busybox.deb().length, last.total().getAsLong());
  }

  @Test
  void theSameIndexIsReadOncePerRun() {
    DebianArchive archive = archive();
    archive.packages("bookworm", "arm64");
    archive.packages("bookworm", "arm64");
    archive.release("bookworm");
    assertEquals(2, mirror.requests().size(), mirror.requests().toString());
  }

  @Test
  void aWarmCacheMakesNoRequestForALockedPackage() {
    LockedPackage pin = LockedPackage.of("bookworm", "arm64", busybox.entry());
    Path first = archive().fetch(pin);
    int requestsAfterFirst = mirror.requests().size();

    Path second = archive().fetch(pin); // a new run: nothing in memory, only the disk cache

    assertEquals(first, second);
    assertEquals(List.of("/debian/" + pin.filename()), mirror.requests());
    assertEquals(1, requestsAfterFirst);
  }

  @Test
  void aCorruptedCachedBlobIsFetchedAgain() throws IOException {
    LockedPackage pin = LockedPackage.of("bookworm", "arm64", busybox.entry());
    Path blob = archive().fetch(pin);
    Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-------"));
    Files.write(blob, "flipped bits".getBytes(StandardCharsets.UTF_8));

    Path again = archive().fetch(pin);

    assertArrayEquals(busybox.deb(), Files.readAllBytes(again));
    assertEquals(2, mirror.requests().size());
  }

  @Test
  void aPoolFileWithTheWrongContentIsRefusedAndNotCached() {
    mirror.put(
        "/debian/" + busybox.entry().filename(),
        "a different file".getBytes(StandardCharsets.UTF_8));
    DebianArchive archive = archive();
    PackageEntry entry =
        archive.packages("bookworm", "arm64").resolve("busybox-static", Optional.empty());

    ArchiveFetchException e = assertThrows(ArchiveFetchException.class, () -> archive.fetch(entry));

    assertTrue(e.getMessage().contains("sha256 " + entry.sha256()), e.getMessage());
    assertTrue(e.getMessage().contains("nothing was cached"), e.getMessage());
    assertFalse(store.contains(entry.sha256()));
  }

  @Test
  void anIndexThatDoesNotMatchInReleaseIsRefused() {
    mirror.put(
        "/debian/dists/bookworm/main/binary-arm64/Packages.xz",
        "not the index".getBytes(StandardCharsets.UTF_8));

    ArchiveFetchException e =
        assertThrows(ArchiveFetchException.class, () -> archive().packages("bookworm", "arm64"));

    assertTrue(e.getMessage().contains("Packages.xz"), e.getMessage());
  }

  @Test
  void aTamperedInReleaseIsRefused() {
    String path = "/debian/dists/bookworm/InRelease";
    byte[] bytes =
        TestSigningKey.clearSign("Suite: bookworm\nCodename: bookworm\n", archiveKey)
            .getBytes(StandardCharsets.UTF_8);
    String text = new String(bytes, StandardCharsets.UTF_8);
    bytes[text.indexOf("Codename: bookworm") + 11] = 'B';
    mirror.put(path, bytes);

    InReleaseRefusedException e =
        assertThrows(InReleaseRefusedException.class, () -> archive().release("bookworm"));

    assertEquals("bookworm", e.suite());
    assertEquals(List.of(archiveKey.signingKeyId()), e.keyIds());
  }

  @Test
  void aLockedPackageGoneFromTheMirrorSaysHowToMoveOn() {
    LockedPackage pin = LockedPackage.of("bookworm", "arm64", busybox.entry());
    mirror.remove("/debian/" + pin.filename());

    PackageLeftMirrorException e =
        assertThrows(PackageLeftMirrorException.class, () -> archive().fetch(pin));

    assertEquals(pin, e.pin());
    assertTrue(
        e.getMessage()
            .startsWith(
                "busybox-static 1:1.35.0-4+b3 (bookworm/arm64), pinned in the lock file, has left the mirror"),
        e.getMessage());
    assertTrue(e.getMessage().contains("404"), e.getMessage());
    assertTrue(e.getMessage().contains("images lock"), e.getMessage());
    assertTrue(e.getMessage().contains("PVH_DEBIAN_MIRROR"), e.getMessage());
    assertTrue(e.getMessage().contains("snapshot archive"), e.getMessage());
    assertEquals(1, mirror.requests().size(), "a 404 is final, not retried");
  }

  @Test
  void securitySuitesComeFromTheSecurityArchive() throws IOException {
    Published kernel =
        FakeMirror.pkg(
            "pool/updates/main",
            "linux-image-amd64",
            "6.1.192-2",
            "amd64",
            "kernel".getBytes(StandardCharsets.UTF_8));
    mirror.publishSuite(
        "debian-security",
        "bookworm-security",
        "bookworm-security",
        "amd64",
        false,
        archiveKey,
        List.of(kernel));
    DebianArchive archive = archive();

    PackageEntry entry =
        archive
            .packages("bookworm-security", "amd64")
            .resolve("linux-image-amd64", Optional.empty());
    Path deb = archive.fetch(entry);

    assertEquals("kernel", Files.readString(deb));
    assertTrue(
        mirror.requests().stream().allMatch(p -> p.startsWith("/debian-security/")),
        mirror.requests().toString());
  }

  @Test
  void usesByHashPathsWhenTheArchiveOffersThem() {
    mirror.publishSuite("debian", "sid", "sid", "arm64", true, archiveKey, List.of(busybox));

    archive().packages("sid", "arm64");

    assertEquals(2, mirror.requests().size());
    assertTrue(
        mirror.requests().get(1).startsWith("/debian/dists/sid/main/binary-arm64/by-hash/SHA256/"),
        mirror.requests().toString());
  }

  @Test
  void aCachedIndexIsNotDownloadedAgainInTheNextRun() {
    archive().packages("bookworm", "arm64");
    archive().packages("bookworm", "arm64");
    assertEquals(
        List.of(
            "/debian/dists/bookworm/InRelease",
            "/debian/dists/bookworm/main/binary-arm64/Packages.xz",
            "/debian/dists/bookworm/InRelease"),
        mirror.requests());
  }

  @Test
  void retriesServerErrors() {
    LockedPackage pin = LockedPackage.of("bookworm", "arm64", kexec.entry());
    mirror.failNext("/debian/" + pin.filename(), 503, 502);

    Path deb = archive().fetch(pin);

    assertTrue(Files.exists(deb));
    assertEquals(3, mirror.requests().size());
  }

  @Test
  void givesUpAfterTheLastAttempt() {
    LockedPackage pin = LockedPackage.of("bookworm", "arm64", kexec.entry());
    mirror.failNext("/debian/" + pin.filename(), 503, 503, 503);

    ArchiveFetchException e = assertThrows(ArchiveFetchException.class, () -> archive().fetch(pin));

    assertTrue(e.getMessage().contains("failed 3 times; last: HTTP 503"), e.getMessage());
  }

  @Test
  void aStalledTransferIsAbortedWithinTheStallTimeout() {
    LockedPackage pin = LockedPackage.of("bookworm", "arm64", busybox.entry());
    mirror.stallAfterHalf("/debian/" + pin.filename(), 10_000);
    DebianArchive archive =
        archive(
            new DebianArchive.Timeouts(
                Duration.ofSeconds(5), Duration.ofMillis(300), 1, Duration.ofMillis(10)));

    ArchiveFetchException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> assertThrows(ArchiveFetchException.class, () -> archive.fetch(pin)));

    assertTrue(e.getMessage().contains("stalled"), e.getMessage());
    assertFalse(store.contains(pin.sha256()));
  }

  @Test
  void anUnknownSuiteIsNamed() {
    ArchiveFetchException e =
        assertThrows(ArchiveFetchException.class, () -> archive().release("bookwrom"));
    assertTrue(e.getMessage().contains("has no suite 'bookwrom'"), e.getMessage());
  }

  @Test
  void anEntryFromNoLoadedIndexNeedsItsSuite() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> archive().fetch(busybox.entry()));
    assertTrue(e.getMessage().contains("fetch(suite, entry)"), e.getMessage());
    assertArrayEquals(busybox.deb(), readAll(archive().fetch("bookworm", busybox.entry())));
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
