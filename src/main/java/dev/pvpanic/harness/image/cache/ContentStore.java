package dev.pvpanic.harness.image.cache;

import dev.pvpanic.harness.IoText;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.machine.RunFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.commons.io.FileUtils;

/**
 * A content-addressed cache on disk: {@code blobs/sha256/<hex>} holds bytes whose SHA-256 is {@code
 * <hex>}, and {@code derived/<key>/} holds directories built from inputs that {@code <key>} hashes.
 *
 * <p>Nothing half-written is ever visible: blobs and derived directories are built under a
 * temporary name in the same folder and renamed into place, so several processes may share one
 * cache. A blob is re-hashed on every {@link #get}; a corrupted one is deleted and reported
 * missing, so the caller fetches it again. A temporary name carries its process's owner tag, so
 * what a killed process left half-written is removed when the next store is opened ({@link
 * #sweepOrphans}).
 */
public final class ContentStore {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern DERIVED_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
  private static final String TEMP_PREFIX = ".tmp-" + RunFolder.ownerTag() + "-";
  private static final Pattern TEMP_NAME = Pattern.compile("\\.tmp-(\\d+-[0-9a-f]+)-.*");
  // Per JVM: a folder's stale temporary files are swept once per process, for every session.
  private static final java.util.Set<Path> SWEPT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path root;
  private final Path blobs;
  private final Path derived;

  public ContentStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.blobs = this.root.resolve("blobs").resolve("sha256");
    this.derived = this.root.resolve("derived");
    if (SWEPT.add(this.root)) {
      sweepOrphans();
    }
  }

  /**
   * Removes the temporary blobs and folders of processes that no longer run (a JVM killed while it
   * downloaded or built); those of running processes, this one included, are left alone.
   *
   * @return the paths removed
   */
  public java.util.List<Path> sweepOrphans() {
    java.util.List<Path> removed = new java.util.ArrayList<>();
    for (Path dir : java.util.List.of(blobs, derived)) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".tmp-*")) {
        for (Path entry : entries) {
          java.util.regex.Matcher m = TEMP_NAME.matcher(entry.getFileName().toString());
          if (m.matches() && RunFolder.isStaleOwner(m.group(1))) {
            FileUtils.deleteQuietly(entry.toFile());
            removed.add(entry);
          }
        }
      } catch (IOException e) {
        // nothing of ours could be swept there; the next store tries again
      }
    }
    return removed;
  }

  /** The cache where the settings put it ({@link Settings#cacheDir()}). */
  public static ContentStore at(Settings settings) {
    return new ContentStore(settings.cacheDir());
  }

  public Path root() {
    return root;
  }

  /** True when {@code sha256} names a blob that is present (without re-hashing it). */
  public boolean contains(String sha256) {
    return Files.isRegularFile(blobPath(sha256));
  }

  /**
   * The blob with this SHA-256, if present and its bytes still hash to it. A blob that no longer
   * matches (disk corruption, someone edited it) is deleted and reported missing.
   */
  public Optional<Path> get(String sha256) {
    Path blob = blobPath(sha256);
    if (!Files.isRegularFile(blob)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(blob)) {
      if (Sha256.of(in).equals(normalize(sha256))) {
        return Optional.of(blob);
      }
    } catch (IOException e) {
      // Unreadable counts as corrupt: fall through and drop it.
    }
    try {
      Files.deleteIfExists(blob);
    } catch (IOException e) {
      throw new CacheException(
          "cannot delete corrupted cache blob " + blob + ": " + IoText.of(e, blob), e);
    }
    return Optional.empty();
  }

  /**
   * Stores {@code content} under {@code sha256}, hashing while writing. When the bytes do not hash
   * to {@code sha256} nothing is stored and {@link ContentHashMismatchException} is thrown.
   *
   * @return the blob's path
   */
  public Path put(String sha256, InputStream content) {
    String expected = normalize(sha256);
    Path blob = blobPath(expected);
    Path temp = null;
    try {
      Files.createDirectories(blobs);
      temp = blobs.resolve(TEMP_PREFIX + UUID.randomUUID());
      Sha256.Running sum = Sha256.running();
      long bytes;
      try (InputStream in = sum.reading(content);
          OutputStream out = Files.newOutputStream(temp)) {
        bytes = in.transferTo(out);
      }
      String actual = sum.hex();
      if (!actual.equals(expected)) {
        throw new ContentHashMismatchException(expected, actual, bytes);
      }
      // Read-only: a blob is shared by every image built from it and must not be edited in place.
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r--r--"));
      moveAtomically(temp, blob);
      temp = null;
      return blob;
    } catch (IOException e) {
      throw new CacheException(
          "cannot store blob " + expected + " under " + blobs + ": " + IoText.of(e, blobs), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /** The published directory for {@code key}, if one exists. */
  public Optional<Path> derived(String key) {
    Path dir = derivedPath(key);
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * Builds a derived directory for {@code key} with {@code builder} in a temporary folder and
   * renames it into place. When the key is already published (by an earlier run or a concurrent
   * process) the existing directory is returned and {@code builder} is not run, or its result is
   * dropped if another process won the race: keys hash their inputs, so either result will do.
   */
  public Path publishDerived(String key, DirectoryBuilder builder) {
    Path target = derivedPath(key);
    if (Files.isDirectory(target)) {
      return target;
    }
    Path temp = null;
    try {
      Files.createDirectories(derived);
      temp = Files.createDirectory(derived.resolve(TEMP_PREFIX + key + "-" + UUID.randomUUID()));
      builder.build(temp);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        temp = null;
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raceLost) {
        // Another process published the same key first; keep theirs.
      }
      return target;
    } catch (IOException e) {
      throw new CacheException(
          "cannot build derived cache entry '" + key + "': " + IoText.of(e, derived), e);
    } finally {
      deleteTree(temp);
    }
  }

  /**
   * A new empty work folder inside the cache, named like a temporary entry of this process: the
   * caller deletes it when done, and when this process is killed first the next store opened on
   * this cache sweeps it ({@link #sweepOrphans}), as it sweeps half-written entries.
   *
   * @param purpose a word for the folder's name (letters, digits, dashes)
   */
  public Path scratch(String purpose) {
    if (!purpose.matches("[A-Za-z0-9-]{1,40}")) {
      throw new IllegalArgumentException("scratch purpose '" + purpose + "': letters, digits, -");
    }
    try {
      Files.createDirectories(derived);
      return Files.createDirectory(
          derived.resolve(TEMP_PREFIX + purpose + "-" + UUID.randomUUID()));
    } catch (IOException e) {
      throw new CacheException(
          "cannot make a work folder in the cache: " + IoText.of(e, derived), e);
    }
  }

  /** Removes the derived directory for {@code key}, if any, so the next publish rebuilds it. */
  public void invalidateDerived(String key) {
    Path target = derivedPath(key);
    if (!Files.exists(target)) {
      return;
    }
    // Rename first so no reader ever sees a half-deleted directory under the real key.
    Path doomed = derived.resolve(TEMP_PREFIX + "gone-" + key + "-" + UUID.randomUUID());
    try {
      Files.move(target, doomed, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CacheException(
          "cannot remove derived cache entry " + target + ": " + IoText.of(e, target), e);
    }
    deleteTree(doomed);
  }

  // Files found whole, by their version (see version()) and the hash they were checked against:
  // per JVM, as that is the same for every session.
  private static final java.util.Set<String> VERIFIED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Forgets what this JVM found whole, as a new JVM would (for tests). */
  static void forgetVerified() {
    VERIFIED.clear();
  }

  // How many files were hashed to check them (a test's window on the stamps).
  static final java.util.concurrent.atomic.AtomicInteger HASHED =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * What is wrong with {@code file} against the size and SHA-256 recorded for it, if anything: it
   * is missing, has another size, or another hash. {@code hash} false checks the size only (the
   * caller has just hashed it). A file is hashed once for each version of it: path, inode, size,
   * modification and change time (a write, a truncation, a replacement or a {@code touch} makes a
   * new version; the change time cannot be set back). A version found whole is remembered in this
   * JVM and in a stamp beside the file ({@code .<name>.verified}), so the next JVM does not read a
   * 130 MB saved state or a system disk again before each first restore: 1.5-2 s of a cold JVM's
   * time per snapshot on this project's machine. Damage that keeps every one of those (a disk that
   * rots under the file system) goes unseen: the price of not hashing every cache hit.
   *
   * @param name how the file is called in the answer (e.g. "state.bin")
   */
  public static Optional<String> mismatch(
      Path file, String name, long recordedBytes, String recordedSha256, boolean hash) {
    if (!Files.isRegularFile(file)) {
      return Optional.of("its " + name + " is missing");
    }
    try {
      long size = Files.size(file);
      if (size != recordedBytes) {
        return Optional.of(name + " has " + size + " bytes, " + recordedBytes + " were saved");
      }
      String version = version(file, size) + "|" + recordedSha256;
      Path stamp = file.resolveSibling("." + file.getFileName() + ".verified");
      if (VERIFIED.contains(version)) {
        return Optional.empty();
      }
      if (stamped(stamp, version)) {
        VERIFIED.add(version);
        return Optional.empty();
      }
      if (hash) {
        HASHED.incrementAndGet();
        String sha = Sha256.of(file);
        if (!sha.equals(recordedSha256)) {
          return Optional.of(name + " has SHA-256 " + sha + ", " + recordedSha256 + " was saved");
        }
      }
      VERIFIED.add(version);
      stamp(stamp, version);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot read " + name + ": " + e.getMessage());
    }
  }

  /** A file's version: what any change to it changes. */
  private static String version(Path file, long size) throws IOException {
    Map<String, Object> a = Files.readAttributes(file, "unix:ino,lastModifiedTime,ctime");
    return file.toAbsolutePath()
        + "|"
        + a.get("ino")
        + "|"
        + size
        + "|"
        + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS)
        + "|"
        + ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
  }

  private static boolean stamped(Path stamp, String version) {
    try {
      return Files.readString(stamp).equals(version);
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes a version found whole to its stamp, when the folder is writable. */
  private static void stamp(Path stamp, String version) {
    try {
      Path temp = stamp.resolveSibling(stamp.getFileName() + "." + UUID.randomUUID());
      Files.writeString(temp, version);
      Files.move(temp, stamp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // a cache this process may not write (another user's): the file is hashed again next time
    }
  }

  Path blobPath(String sha256) {
    return blobs.resolve(normalize(sha256));
  }

  private Path derivedPath(String key) {
    if (key == null || !DERIVED_KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "not a derived cache key: '"
              + key
              + "' (expected 1-200 of [A-Za-z0-9._-], starting with a letter or digit)");
    }
    return derived.resolve(key);
  }

  private static String normalize(String sha256) {
    String hex = sha256 == null ? "" : sha256.strip().toLowerCase(Locale.ROOT);
    if (!SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "not a SHA-256: '" + sha256 + "' (expected 64 hexadecimal digits)");
    }
    return hex;
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the cache folder does not support atomic renames: " + to, e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // A stray temp file is harmless; the original failure matters more.
      }
    }
  }

  private static void deleteTree(Path dir) {
    // Leftover temp folders are harmless and named .tmp-*.
    if (dir != null) {
      FileUtils.deleteQuietly(dir.toFile());
    }
  }

  /** Fills a fresh directory with a derived artifact. */
  @FunctionalInterface
  public interface DirectoryBuilder {
    void build(Path emptyDirectory) throws IOException;
  }
}
