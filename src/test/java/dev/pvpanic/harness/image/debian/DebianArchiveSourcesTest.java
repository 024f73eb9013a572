package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.cache.ContentStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DebianArchive#sources} and {@link DebianArchive#fetchSource} against a signed fake mirror:
 * the Sources index is checked against the InRelease, every file against the index, and a warm
 * cache makes no request.
 */
class DebianArchiveSourcesTest {

  static TestSigningKey archiveKey;

  static final DebianArchive.Timeouts FAST =
      new DebianArchive.Timeouts(
          Duration.ofSeconds(5), Duration.ofSeconds(5), 1, Duration.ofMillis(10));

  @TempDir Path tmp;
  FakeMirror mirror;
  ContentStore store;
  Map<String, byte[]> files;

  @BeforeAll
  static void key() {
    archiveKey = TestSigningKey.generate("Test Archive Key", true, new java.util.Date(), 0);
  }

  @BeforeEach
  void publish() throws IOException {
    mirror = new FakeMirror();
    store = new ContentStore(tmp.resolve("cache"));
    files = new LinkedHashMap<>();
    files.put("qemu_7.2+dfsg-7.dsc", bytes("Format: 3.0 (quilt)\nSource: qemu\n"));
    files.put("qemu_7.2+dfsg.orig.tar.xz", bytes("the upstream tarball"));
    files.put("qemu_7.2+dfsg-7.debian.tar.xz", bytes("the debian folder"));
    StringBuilder sources =
        new StringBuilder("Package: qemu\nVersion: 1:7.2+dfsg-7\nFormat: 3.0 (quilt)\n");
    sources.append("Checksums-Sha256:\n");
    files.forEach(
        (name, body) -> {
          sources.append(' ').append(Sha256.of(body)).append(' ');
          sources.append(body.length).append(' ').append(name).append('\n');
          mirror.put("/debian/pool/main/q/qemu/" + name, body);
        });
    sources.append("Directory: pool/main/q/qemu\n");
    byte[] plain = bytes(sources.toString());
    byte[] xz = xz(plain);
    mirror.put("/debian/dists/bookworm/main/source/Sources.xz", xz);
    String release =
        "Origin: Debian\nSuite: stable\nCodename: bookworm\n"
            + "Date: Sat, 21 Nov 2026 10:00:00 UTC\nSHA256:\n "
            + Sha256.of(plain)
            + " "
            + plain.length
            + " main/source/Sources\n "
            + Sha256.of(xz)
            + " "
            + xz.length
            + " main/source/Sources.xz\n";
    mirror.put(
        "/debian/dists/bookworm/InRelease",
        TestSigningKey.clearSign(release, archiveKey).getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    mirror.close();
  }

  DebianArchive archive() {
    return new DebianArchive(
        mirror.mirrors(),
        archiveKey.asKeyring(),
        store,
        DebianArchive.defaultHttpClient(),
        p -> {},
        FAST,
        false);
  }

  @Test
  void fetchesEveryFileOfASourcePackageVerified() throws IOException {
    SourceEntry qemu = archive().sources("bookworm").resolve("qemu", Optional.empty());
    Map<String, Path> fetched = archive().fetchSource("bookworm", qemu);

    assertEquals(List.copyOf(files.keySet()), List.copyOf(fetched.keySet()));
    for (Map.Entry<String, Path> e : fetched.entrySet()) {
      assertArrayEquals(files.get(e.getKey()), Files.readAllBytes(e.getValue()), e.getKey());
    }
  }

  @Test
  void aWarmCacheMakesNoRequestForTheFiles() {
    DebianArchive archive = archive();
    SourceEntry qemu = archive.sources("bookworm").resolve("qemu", Optional.empty());
    archive.fetchSource("bookworm", qemu);
    int before = mirror.requests().size();

    archive.fetchSource("bookworm", qemu);

    assertEquals(before, mirror.requests().size(), mirror.requests().toString());
  }

  @Test
  void aFileWhoseBytesDoNotMatchTheIndexIsRefusedAndNotCached() {
    mirror.put("/debian/pool/main/q/qemu/qemu_7.2+dfsg.orig.tar.xz", bytes("a tampered tarball"));
    DebianArchive archive = archive();
    SourceEntry qemu = archive.sources("bookworm").resolve("qemu", Optional.empty());

    ArchiveFetchException e =
        assertThrows(ArchiveFetchException.class, () -> archive.fetchSource("bookworm", qemu));

    assertTrue(e.getMessage().contains("qemu_7.2+dfsg.orig.tar.xz"), e.getMessage());
    String expected = Sha256.of(files.get("qemu_7.2+dfsg.orig.tar.xz"));
    assertFalse(store.contains(expected));
  }

  @Test
  void aSourcesIndexTheInReleaseDoesNotMatchIsRefused() {
    mirror.put("/debian/dists/bookworm/main/source/Sources.xz", xz(bytes("Package: evil\n")));

    assertThrows(ArchiveFetchException.class, () -> archive().sources("bookworm"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] xz(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (XZCompressorOutputStream x = new XZCompressorOutputStream(out)) {
      x.write(plain);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
