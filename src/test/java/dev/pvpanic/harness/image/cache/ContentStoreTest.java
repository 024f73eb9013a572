package dev.pvpanic.harness.image.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {

  @TempDir Path root;

  static final byte[] CONTENT = "busybox\n".getBytes(StandardCharsets.UTF_8);
  static final String CONTENT_SHA256 = Sha256.of(CONTENT);

  private List<Path> filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void storesAndReturnsVerifiedBlobs() throws IOException {
    ContentStore store = new ContentStore(root);

    Path blob = store.put(CONTENT_SHA256, new ByteArrayInputStream(CONTENT));

    assertEquals(root.resolve("blobs/sha256/" + CONTENT_SHA256), blob);
    assertArrayEquals(CONTENT, Files.readAllBytes(blob));
    assertEquals(Optional.of(blob), store.get(CONTENT_SHA256));
    assertEquals(Optional.of(blob), store.get(CONTENT_SHA256.toUpperCase()));
    assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(blob)));
  }

  @Test
  void refusesContentWithTheWrongHashAndCachesNothing() throws IOException {
    ContentStore store = new ContentStore(root);
    String otherSha = Sha256.of("something else".getBytes(StandardCharsets.UTF_8));

    ContentHashMismatchException e =
        assertThrows(
            ContentHashMismatchException.class,
            () -> store.put(otherSha, new ByteArrayInputStream(CONTENT)));

    assertEquals(otherSha, e.expectedSha256());
    assertEquals(CONTENT_SHA256, e.actualSha256());
    assertEquals(CONTENT.length, e.bytes());
    assertEquals(Optional.empty(), store.get(otherSha));
    assertEquals(List.of(), filesUnder(root), "no blob and no temp file may be left behind");
  }

  @Test
  void aCorruptedBlobIsDeletedAndReportedMissingSoItIsFetchedAgain() throws IOException {
    ContentStore store = new ContentStore(root);
    Path blob = store.put(CONTENT_SHA256, new ByteArrayInputStream(CONTENT));
    Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(blob, "bitrot!\n");

    assertEquals(Optional.empty(), store.get(CONTENT_SHA256));
    assertFalse(Files.exists(blob));

    assertEquals(blob, store.put(CONTENT_SHA256, new ByteArrayInputStream(CONTENT)));
    assertEquals(Optional.of(blob), store.get(CONTENT_SHA256));
  }

  @Test
  void refusesWhatIsNotASha256() {
    ContentStore store = new ContentStore(root);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> store.get("../../etc/passwd"));
    assertTrue(e.getMessage().contains("not a SHA-256"), e.getMessage());
  }

  @Test
  void publishesDerivedDirectoriesWhole() throws IOException {
    ContentStore store = new ContentStore(root);
    AtomicInteger builds = new AtomicInteger();

    Path image =
        store.publishDerived(
            "image-abc123",
            dir -> {
              builds.incrementAndGet();
              // While building, nothing is visible under the key.
              assertEquals(Optional.empty(), store.derived("image-abc123"));
              Files.writeString(dir.resolve("initrd.cpio"), "cpio");
            });
    Path again = store.publishDerived("image-abc123", dir -> builds.incrementAndGet());

    assertEquals(root.resolve("derived/image-abc123"), image);
    assertEquals(image, again);
    assertEquals(1, builds.get(), "a published key is not rebuilt");
    assertEquals("cpio", Files.readString(image.resolve("initrd.cpio")));
    assertEquals(Optional.of(image), store.derived("image-abc123"));
  }

  @Test
  void aFailedBuildLeavesNothingBehind() throws IOException {
    ContentStore store = new ContentStore(root);

    CacheException e =
        assertThrows(
            CacheException.class,
            () ->
                store.publishDerived(
                    "image-broken",
                    dir -> {
                      Files.writeString(dir.resolve("half"), "half");
                      throw new IOException("mkfs failed");
                    }));

    assertTrue(e.getMessage().contains("'image-broken'"), e.getMessage());
    assertEquals("mkfs failed", e.getCause().getMessage());
    assertEquals(Optional.empty(), store.derived("image-broken"));
    assertEquals(List.of(), filesUnder(root.resolve("derived")));
  }

  @Test
  void invalidatedEntriesAreRebuilt() throws IOException {
    ContentStore store = new ContentStore(root);
    store.publishDerived("k", dir -> Files.writeString(dir.resolve("v"), "1"));

    store.invalidateDerived("k");

    assertEquals(Optional.empty(), store.derived("k"));
    Path rebuilt = store.publishDerived("k", dir -> Files.writeString(dir.resolve("v"), "2"));
    assertEquals("2", Files.readString(rebuilt.resolve("v")));
    assertThrows(IllegalArgumentException.class, () -> store.derived("../escape"));
  }

  @Test
  void whatAKilledProcessLeftHalfWrittenIsSweptAndOnlyThat() throws IOException {
    Path blobs = Files.createDirectories(root.resolve("blobs/sha256"));
    Path derived = Files.createDirectories(root.resolve("derived"));
    // pid 1 runs, but not since 1970: its tag names a process that is gone
    Path orphanBlob = Files.writeString(blobs.resolve(".tmp-1-0-abc"), "half");
    Path orphanDir = Files.createDirectories(derived.resolve(".tmp-1-0-image-x-uuid"));
    Path ours =
        Files.writeString(
            blobs.resolve(".tmp-" + dev.pvpanic.harness.machine.RunFolder.ownerTag() + "-x"), "");
    Path oldStyle = Files.writeString(blobs.resolve(".tmp-0b1c-uuid"), "");

    List<Path> removed = new ContentStore(root.resolve("other")).sweepOrphans();
    assertTrue(removed.isEmpty(), "another store's folder is not this one's: " + removed);
    new ContentStore(root); // opening a store sweeps its folder (once per JVM)
    Path later = Files.writeString(blobs.resolve(".tmp-1-0-later"), "half");
    removed = new ContentStore(root).sweepOrphans();
    assertEquals(List.of(later), removed);

    assertFalse(Files.exists(orphanBlob));
    assertFalse(Files.exists(orphanDir));
    assertTrue(Files.exists(ours), "this process's own temp file stays");
    assertTrue(Files.exists(oldStyle), "a name without an owner tag is not guessed at");
  }

  /**
   * A work folder (the system image's mmdebstrap root, hundreds of MB) lives in the cache under
   * this process's temporary name: left alone while the process runs, swept once its owner is gone
   * (a JVM killed mid-build once left such a folder in /tmp for good).
   */
  @Test
  void aScratchFolderIsThisProcesssTemporaryEntry() throws IOException {
    ContentStore store = new ContentStore(root);
    Path work = store.scratch("system-build");
    assertTrue(Files.isDirectory(work), work.toString());
    assertEquals(root.resolve("derived").toAbsolutePath().normalize(), work.getParent());
    assertTrue(store.sweepOrphans().isEmpty(), "its own process's folder stays");
    String stale =
        work.getFileName()
            .toString()
            .replace(dev.pvpanic.harness.machine.RunFolder.ownerTag(), "1-0");
    Path orphan = Files.move(work, work.resolveSibling(stale));
    assertEquals(List.of(orphan), store.sweepOrphans(), "a dead process's folder is swept");
    assertThrows(IllegalArgumentException.class, () -> store.scratch("../x"));
  }

  @Test
  void aVersionFoundWholeIsHashedOnceAcrossJvmsAndAnyChangeIsHashedAgain() throws Exception {
    Path f = Files.write(root.resolve("state.bin"), CONTENT);
    Path stamp = root.resolve(".state.bin.verified");
    int before = ContentStore.HASHED.get();
    assertEquals(
        java.util.Optional.empty(),
        ContentStore.mismatch(f, "state.bin", CONTENT.length, CONTENT_SHA256, true));
    assertEquals(before + 1, ContentStore.HASHED.get(), "hashed the first time");
    assertTrue(Files.isRegularFile(stamp), "and stamped");
    // another JVM: the stamp says this version was found whole
    ContentStore.forgetVerified();
    String stamped = Files.readString(stamp);
    assertEquals(
        java.util.Optional.empty(),
        ContentStore.mismatch(f, "state.bin", CONTENT.length, CONTENT_SHA256, true));
    assertEquals(before + 1, ContentStore.HASHED.get(), "not hashed again");
    // the same bytes written again, the time set back: a new version all the same (ctime)
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(f);
    Thread.sleep(20);
    byte[] damaged = CONTENT.clone();
    damaged[0] ^= 1;
    Files.write(f, damaged);
    Files.setLastModifiedTime(f, mtime);
    ContentStore.forgetVerified();
    assertTrue(
        ContentStore.mismatch(f, "state.bin", CONTENT.length, CONTENT_SHA256, true)
            .orElseThrow()
            .contains("has SHA-256"),
        "a change under the old time and size is hashed and found");
    assertEquals(stamped, Files.readString(stamp), "a damaged version is never stamped");
    // a stamp of another version does not vouch for this one
    Files.writeString(stamp, stamped.replace(CONTENT_SHA256, "0".repeat(64)));
    Files.write(f, CONTENT);
    ContentStore.forgetVerified();
    assertEquals(
        java.util.Optional.empty(),
        ContentStore.mismatch(f, "state.bin", CONTENT.length, CONTENT_SHA256, true));
    assertEquals(before + 3, ContentStore.HASHED.get());
    assertTrue(Files.readString(stamp).endsWith(CONTENT_SHA256), "stamped anew");
  }

  @Test
  void aFileIsCheckedAgainstItsRecordedSizeAndHash() throws IOException {
    Path f = Files.write(root.resolve("state.bin"), CONTENT);
    assertEquals(
        java.util.Optional.empty(),
        ContentStore.mismatch(f, "state.bin", CONTENT.length, CONTENT_SHA256, true));
    assertTrue(
        ContentStore.mismatch(f, "state.bin", CONTENT.length + 1, CONTENT_SHA256, true)
            .orElseThrow()
            .contains("has " + CONTENT.length + " bytes"));
    Path g = Files.write(root.resolve("other.bin"), "busyboy\n".getBytes(StandardCharsets.UTF_8));
    assertTrue(
        ContentStore.mismatch(g, "other.bin", CONTENT.length, CONTENT_SHA256, true)
            .orElseThrow()
            .contains("has SHA-256"));
    assertTrue(
        ContentStore.mismatch(root.resolve("gone"), "gone", 1, CONTENT_SHA256, true)
            .orElseThrow()
            .contains("missing"));
  }
}
