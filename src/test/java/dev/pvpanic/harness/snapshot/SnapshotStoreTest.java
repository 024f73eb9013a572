package dev.pvpanic.harness.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pvpanic.harness.image.cache.ContentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots as cache entries: made once, reused whole, dropped when damaged, never guessed. */
class SnapshotStoreTest {
  private static final String READY =
      "PVH READY kernel=6.12.1 arch=x86_64 kexec_crash_loaded=0 post_notifiers=N"
          + " pvpanic=pvpanic-pci capability=7 events=7";

  @TempDir Path tmp;
  private SnapshotStore store;
  private final AtomicInteger makes = new AtomicInteger();

  @BeforeEach
  void store() {
    store = new SnapshotStore(new ContentStore(tmp.resolve("cache")));
  }

  private static SnapshotKey key(String cmdline) {
    return new SnapshotKey(List.of("layout=" + SnapshotKey.LAYOUT, "argv=-append " + cmdline));
  }

  private SnapshotStore.Maker maker(SnapshotKey key, byte[] state) {
    return maker(key, state, Optional.empty());
  }

  private SnapshotStore.Maker maker(
      SnapshotKey key, byte[] state, Optional<SnapshotMaker.Arming> arming) {
    return folder -> {
      makes.incrementAndGet();
      Path s = Files.write(folder.resolve(SnapshotStore.STATE), state);
      new ObjectMapper()
          .writeValue(
              folder.resolve(GuestSnapshot.DESCRIPTION).toFile(),
              SnapshotStore.description(
                  key,
                  READY,
                  s,
                  Duration.ofSeconds(5),
                  Duration.ofMillis(100),
                  Optional.empty(),
                  arming));
    };
  }

  /**
   * A guest whose capture kernel loaded before it was saved says so; one whose load failed is kept
   * (its cells load it themselves and see the failure) and says what failed; one asked to load
   * nothing has none.
   */
  @Test
  void aSnapshotSaysWhetherItsGuestLoadedTheCaptureKernel() throws IOException {
    SnapshotKey loaded = key("console=ttyS0 crashkernel=192M");
    SnapshotKey refused = key("console=ttyS0 crashkernel=1M");
    SnapshotKey none = key("console=ttyS0");
    GuestSnapshot a =
        restorable(
            store.findOrMake(
                loaded,
                maker(
                    loaded,
                    new byte[] {1},
                    Optional.of(new SnapshotMaker.Arming(true, "'kexec -p' loaded it")))));
    GuestSnapshot b =
        restorable(
            store.findOrMake(
                refused,
                maker(
                    refused,
                    new byte[] {2},
                    Optional.of(
                        new SnapshotMaker.Arming(
                            false, "'kexec -p' exited 1: Cannot load: Cannot allocate memory")))));
    GuestSnapshot c = restorable(store.findOrMake(none, maker(none, new byte[] {3})));
    assertTrue(a.captureLoaded());
    assertFalse(b.captureLoaded());
    assertFalse(c.captureLoaded());
    String description = Files.readString(b.description());
    assertTrue(description.contains("Cannot allocate memory"), description);
    // and the next lookup, from the cache, reads the same
    assertTrue(restorable(store.findOrMake(loaded, maker(loaded, new byte[] {9}))).captureLoaded());
  }

  @Test
  void anArmedKeysSnapshotThatDoesNotSayWhetherItLoadedIsMadeAgain() throws IOException {
    SnapshotKey k =
        new SnapshotKey(
            List.of(
                "layout=" + SnapshotKey.LAYOUT,
                "argv=-append console=ttyS0 crashkernel=192M",
                "armed=kexec -p -i /boot/vmlinuz"));
    Optional<SnapshotMaker.Arming> loaded = Optional.of(new SnapshotMaker.Arming(true, "loaded"));
    GuestSnapshot s = restorable(store.findOrMake(k, maker(k, new byte[] {1}, loaded)));
    // as a maker that did not record it (an older harness, a hand edit) left it
    com.fasterxml.jackson.databind.node.ObjectNode d =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            new ObjectMapper().readTree(s.description().toFile());
    d.remove("captureLoaded");
    new ObjectMapper().writeValue(s.description().toFile(), d);
    String reason =
        assertInstanceOf(
                SnapshotStore.Unusable.class, store.findOrMake(k, maker(k, new byte[] {1}, loaded)))
            .reason();
    assertTrue(reason.contains("does not say whether the guest loaded"), reason);
    assertTrue(restorable(store.findOrMake(k, maker(k, new byte[] {1}, loaded))).captureLoaded());
    assertEquals(2, makes.get());
  }

  private GuestSnapshot restorable(SnapshotStore.Lookup l) {
    return assertInstanceOf(SnapshotStore.Restorable.class, l, l.toString()).snapshot();
  }

  @Test
  void aSnapshotIsMadeOnceAndThenFoundWithItsReadyLine() {
    SnapshotKey k = key("console=ttyS0");
    SnapshotStore.Lookup first = store.findOrMake(k, maker(k, new byte[] {1, 2, 3}));
    SnapshotStore.Lookup second = store.findOrMake(k, maker(k, new byte[] {9}));
    assertTrue(((SnapshotStore.Restorable) first).made());
    assertFalse(((SnapshotStore.Restorable) second).made());
    assertEquals(1, makes.get());
    GuestSnapshot s = restorable(second);
    assertEquals(k.hash(), s.key());
    assertEquals("pvpanic-pci", s.ready().pvpanicDriver());
    assertTrue(Files.isRegularFile(s.state()));
  }

  @Test
  void anotherKeyGetsItsOwnSnapshotNeverTheOldOne() {
    SnapshotKey a = key("console=ttyS0");
    SnapshotKey b = key("console=ttyS0 acpi=off");
    GuestSnapshot sa = restorable(store.findOrMake(a, maker(a, new byte[] {1})));
    GuestSnapshot sb = restorable(store.findOrMake(b, maker(b, new byte[] {2})));
    assertEquals(2, makes.get());
    assertFalse(sa.dir().equals(sb.dir()));
  }

  @Test
  void aCorruptStateIsReportedRemovedAndMadeAgainNextTime() throws IOException {
    SnapshotKey k = key("console=ttyS0");
    GuestSnapshot s = restorable(store.findOrMake(k, maker(k, new byte[] {1, 2, 3, 4})));
    java.nio.file.attribute.FileTime made = Files.getLastModifiedTime(s.state());
    Files.write(s.state(), new byte[] {1, 2, 7, 4}); // same size, one byte flipped
    // the verification cache is keyed on size and mtime: a write in the same clock tick as the
    // snapshot's own (file times are coarse) would look unchanged; real damage comes later
    Files.setLastModifiedTime(
        s.state(), java.nio.file.attribute.FileTime.fromMillis(made.toMillis() + 2000));
    SnapshotStore.Lookup damaged = store.findOrMake(k, maker(k, new byte[] {1, 2, 3, 4}));
    String reason = assertInstanceOf(SnapshotStore.Unusable.class, damaged).reason();
    assertTrue(reason.contains("damaged") && reason.contains("SHA-256"), reason);
    assertFalse(Files.exists(s.dir()), "a damaged snapshot is removed");
    restorable(store.findOrMake(k, maker(k, new byte[] {1, 2, 3, 4})));
    assertEquals(2, makes.get());
  }

  @Test
  void aTruncatedOrMissingStateIsReported() throws IOException {
    SnapshotKey k = key("console=ttyS0");
    GuestSnapshot s = restorable(store.findOrMake(k, maker(k, new byte[] {1, 2, 3, 4})));
    Files.write(s.state(), new byte[] {1}, StandardOpenOption.TRUNCATE_EXISTING);
    String truncated =
        ((SnapshotStore.Unusable) store.findOrMake(k, maker(k, new byte[] {1, 2, 3, 4}))).reason();
    assertTrue(truncated.contains("1 bytes, 4 were saved"), truncated);
    GuestSnapshot again = restorable(store.findOrMake(k, maker(k, new byte[] {1, 2, 3, 4})));
    Files.delete(again.state());
    String missing =
        ((SnapshotStore.Unusable) store.findOrMake(k, maker(k, new byte[] {1}))).reason();
    assertTrue(missing.contains("missing"), missing);
  }

  @Test
  void aSnapshotThatCannotBeMadeIsNotTriedAgainInThisRun() {
    SnapshotKey k = key("console=ttyS0");
    SnapshotStore.Maker failing =
        folder -> {
          makes.incrementAndGet();
          throw new IllegalStateException("the guest panicked while booting");
        };
    String first = ((SnapshotStore.Unusable) store.findOrMake(k, failing)).reason();
    String second = ((SnapshotStore.Unusable) store.findOrMake(k, failing)).reason();
    assertTrue(first.contains("the guest panicked while booting"), first);
    assertTrue(second.contains("earlier in this run"), second);
    assertEquals(1, makes.get());
    assertTrue(store.folder(k).isEmpty(), "nothing half-made is published");
  }

  @Test
  void aSnapshotQemuRefusedIsRemovedAndNotMadeAgainInThisRun() {
    SnapshotKey k = key("console=ttyS0");
    GuestSnapshot s = restorable(store.findOrMake(k, maker(k, new byte[] {1})));
    store.markUnusable(s, "load of migration failed: Invalid argument");
    assertFalse(Files.exists(s.dir()));
    String reason =
        ((SnapshotStore.Unusable) store.findOrMake(k, maker(k, new byte[] {1}))).reason();
    assertTrue(reason.contains("load of migration failed"), reason);
    assertEquals(1, makes.get());
  }
}
