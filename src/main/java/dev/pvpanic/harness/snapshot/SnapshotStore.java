package dev.pvpanic.harness.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.image.cache.ContentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Saved guests in the content store's derived area, one folder {@code snapshot-<key hash>} each:
 * {@code state.bin} (the migration stream), {@code snapshot.json} (the key's inputs, the READY
 * line, the stream's size and SHA-256) and the boot's console, QMP transcript and QEMU argv.
 *
 * <p>A snapshot is a cache entry, never a fact under test: when one cannot be made or used the cell
 * boots cold and says why. A snapshot whose stream is missing or does not match its recorded size
 * and SHA-256 is removed, so the next lookup makes a new one; one that QEMU refused to load ({@link
 * #markUnusable}) is removed and not made again in this JVM, so a QEMU that cannot restore its own
 * state costs one failed attempt, not one per cell.
 *
 * <p>Cells of one key made concurrently wait for each other: one boots, the rest restore.
 */
public final class SnapshotStore {
  public static final String STATE = "state.bin";
  private static final String PREFIX = "snapshot-";

  private final ContentStore store;
  // Per store, so per session (HarnessSession owns one and every runner of it shares it): one
  // snapshot made at a time per key, and a key found unusable is not tried again in the session.
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<String, String> unusable = new ConcurrentHashMap<>();

  public SnapshotStore(ContentStore store) {
    this.store = store;
  }

  /** Fills an empty folder with a new snapshot: {@code state.bin} and {@code snapshot.json}. */
  @FunctionalInterface
  public interface Maker {
    void make(Path emptyFolder) throws IOException;
  }

  /** What a lookup found. */
  public sealed interface Lookup permits Restorable, Unusable {}

  /**
   * A snapshot to restore.
   *
   * @param made true when this lookup made it (it booted a guest)
   * @param waited true when this lookup waited while another cell made or checked it
   */
  public record Restorable(GuestSnapshot snapshot, boolean made, boolean waited)
      implements Lookup {}

  /** No snapshot can be used: the cell boots cold, for this reason. */
  public record Unusable(String reason) implements Lookup {}

  /** The snapshot's folder for {@code key}, if one is published (unchecked). */
  public Optional<Path> folder(SnapshotKey key) {
    return store.derived(PREFIX + key.hash());
  }

  /**
   * The snapshot for {@code key}: the published one when it is whole, else a new one from {@code
   * maker}; or why there is none.
   */
  public Lookup findOrMake(SnapshotKey key, Maker maker) {
    String id = id(key);
    ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
    boolean waited = !lock.tryLock();
    if (waited) {
      lock.lock();
    }
    try {
      String earlier = unusable.get(id);
      if (earlier != null) {
        return new Unusable(key + " could not be used earlier in this run: " + earlier);
      }
      Optional<Path> dir = folder(key);
      if (dir.isPresent()) {
        Optional<String> problem = problem(key, dir.get(), true);
        if (problem.isPresent()) {
          store.invalidateDerived(PREFIX + key.hash());
          return new Unusable(
              key + " is damaged (" + problem.get() + "); removed, the next cell makes a new one");
        }
        return new Restorable(load(key, dir.get()), false, waited);
      }
      Path made;
      try {
        made = store.publishDerived(PREFIX + key.hash(), maker::make);
      } catch (RuntimeException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        unusable.put(id, "making it failed: " + why);
        return new Unusable("no " + key + " could be made: " + why);
      }
      // The maker hashed the stream a moment ago: check its size, not its hash again.
      Optional<String> problem = problem(key, made, false);
      if (problem.isPresent()) {
        store.invalidateDerived(PREFIX + key.hash());
        unusable.put(id, "the new snapshot is damaged: " + problem.get());
        return new Unusable("the new " + key + " is damaged: " + problem.get());
      }
      return new Restorable(load(key, made), true, waited);
    } finally {
      lock.unlock();
    }
  }

  /**
   * QEMU could not restore {@code snapshot}: remove it, and boot the cells of its key cold for the
   * rest of this JVM.
   */
  public void markUnusable(GuestSnapshot snapshot, String reason) {
    String id = id(snapshot.key());
    ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
    lock.lock();
    try {
      unusable.put(id, "QEMU could not restore it: " + reason);
      store.invalidateDerived(PREFIX + snapshot.key());
    } finally {
      lock.unlock();
    }
  }

  private String id(SnapshotKey key) {
    return id(key.hash());
  }

  private String id(String keyHash) {
    return store.root() + "|" + keyHash;
  }

  /**
   * What is wrong with a published snapshot folder, if anything: a description that does not parse,
   * belongs to another key or, for a key that loads a capture kernel, does not say whether it
   * loaded, a missing stream, or one whose size or SHA-256 is not what was recorded. The hash is
   * checked once per JVM for each file version (path, size, time), and not at all when {@code hash}
   * is false (the caller has just computed it).
   */
  static Optional<String> problem(SnapshotKey key, Path dir, boolean hash) {
    JsonNode d;
    try {
      d = Json.MAPPER.readTree(dir.resolve(GuestSnapshot.DESCRIPTION).toFile());
    } catch (IOException e) {
      return Optional.of("unreadable " + GuestSnapshot.DESCRIPTION + ": " + e.getMessage());
    }
    if (!key.hash().equals(d.path("key").asText())) {
      return Optional.of(GuestSnapshot.DESCRIPTION + " names key " + d.path("key").asText());
    }
    if (key.asMap().containsKey("armed") && !d.path("captureLoaded").isBoolean()) {
      return Optional.of(
          GuestSnapshot.DESCRIPTION + " does not say whether the guest loaded its capture kernel");
    }
    return ContentStore.mismatch(
        dir.resolve(STATE),
        STATE,
        d.path("stateBytes").asLong(-1),
        d.path("stateSha256").asText(),
        hash);
  }

  private static GuestSnapshot load(SnapshotKey key, Path dir) {
    try {
      JsonNode d = Json.MAPPER.readTree(dir.resolve(GuestSnapshot.DESCRIPTION).toFile());
      return new GuestSnapshot(
          key.hash(),
          dir,
          dir.resolve(STATE),
          GuestProtocol.ReadyLine.parse(d.path("readyLine").asText()),
          d.path("captureLoaded").asBoolean(false));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot read " + dir.resolve(GuestSnapshot.DESCRIPTION), e);
    }
  }

  /** What {@code snapshot.json} records, written by the maker. */
  static Map<String, Object> description(
      SnapshotKey key,
      String readyLine,
      Path state,
      Duration boot,
      Duration save,
      Optional<Long> qemuPeakKb,
      Optional<SnapshotMaker.Arming> arming)
      throws IOException {
    Map<String, Object> d = new java.util.LinkedHashMap<>();
    d.put("layout", SnapshotKey.LAYOUT);
    d.put("key", key.hash());
    d.put("inputs", key.asMap());
    d.put("readyLine", readyLine);
    d.put("stateFile", STATE);
    d.put("stateBytes", Files.size(state));
    d.put("stateSha256", Sha256.of(state));
    d.put("created", Instant.now().toString());
    d.put("bootSeconds", boot.toMillis() / 1000.0);
    d.put("saveSeconds", save.toMillis() / 1000.0);
    d.put("qemuPeakKb", qemuPeakKb.orElse(null));
    arming.ifPresent(
        a -> {
          d.put("captureLoaded", a.loaded());
          d.put("arming", a.outcome());
        });
    return d;
  }
}
