package dev.pvpanic.harness.image.debian;

import dev.pvpanic.harness.IoText;
import dev.pvpanic.harness.image.cache.ContentHashMismatchException;
import dev.pvpanic.harness.image.cache.ContentStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The archive's files that signed data names by SHA-256 (index files, .debs, source files, and the
 * .debs a lock file pins): taken from the {@link ContentStore} when it has them, so a warm cache
 * makes no request, else downloaded, checked against that SHA-256 and stored under it. Nothing that
 * fails the check is kept.
 */
final class ArchiveFiles {
  private final DebianMirrors mirrors;
  private final ContentStore store;
  private final ArchiveDownloader downloader;

  ArchiveFiles(DebianMirrors mirrors, ContentStore store, ArchiveDownloader downloader) {
    this.mirrors = mirrors;
    this.store = store;
    this.downloader = downloader;
  }

  /** The blob stored under {@code sha256}, if the store has it (and it still hashes to it). */
  Optional<Path> cached(String sha256) {
    return store.get(sha256);
  }

  /**
   * Every file of {@code entry}, a source package of {@code suite}'s {@link DebianArchive#sources},
   * from the cache or downloaded and verified against the index's SHA-256: file name to blob, index
   * order.
   */
  Map<String, Path> source(String suite, SourceEntry entry) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (SourceEntry.SourceFile f : entry.files()) {
      URI uri = mirrors.archiveFor(suite).resolve(checkedPoolPath(entry.poolPath(f)));
      Function<Integer, ArchiveFetchException> gone =
          status ->
              status == 404
                  ? new ArchiveFetchException(
                      uri, entry + " is in " + suite + "'s Sources but GET " + uri + " got 404")
                  : null;
      out.put(f.name(), cachedOrDownload(uri, f.name(), f.size(), f.sha256(), gone));
    }
    return out;
  }

  /** The .deb of {@code entry}, listed in {@code suite}'s index. */
  Path deb(String suite, PackageEntry entry) {
    URI uri = mirrors.archiveFor(suite).resolve(checkedPoolPath(entry.filename()));
    return cachedOrDownload(
        uri,
        entry.filename().substring(entry.filename().lastIndexOf('/') + 1),
        entry.size(),
        entry.sha256(),
        status ->
            status == 404
                ? new ArchiveFetchException(
                    uri,
                    entry
                        + " is in the "
                        + suite
                        + " index but GET "
                        + uri
                        + " returned 404: the mirror may be mid-sync; try again later")
                : null);
  }

  /**
   * The .deb a lock file pins, from the cache (no network request at all) or downloaded and
   * verified against the pinned SHA-256. A pin whose pool file is gone throws {@link
   * PackageLeftMirrorException}.
   */
  Path deb(LockedPackage pin) {
    URI uri = mirrors.archiveFor(pin.suite()).resolve(checkedPoolPath(pin.filename()));
    Path deb =
        cachedOrDownload(
            uri,
            pin.filename().substring(pin.filename().lastIndexOf('/') + 1),
            pin.size(),
            pin.sha256(),
            status ->
                status == 404 || status == 410 ? new PackageLeftMirrorException(pin, uri) : null);
    checkIsThePinnedPackage(pin, deb);
    return deb;
  }

  /**
   * The file a pin's SHA-256 names must be that package: its size and its control file's {@code
   * Package} and {@code Version} must be the pin's. A lock entry edited to name another cached blob
   * (the SHA-256 of a busybox .deb under a kernel's name) is refused, not built into an image.
   */
  static void checkIsThePinnedPackage(LockedPackage pin, Path deb) {
    long size;
    try {
      size = Files.size(deb);
    } catch (IOException e) {
      throw new LockFileException(
          "cannot read " + deb + " for " + pin + ": " + IoText.of(e, deb), e);
    }
    String fix =
        "; the lock entry was edited or is corrupt: re-resolve it with `pvpanic images lock`";
    if (size != pin.size()) {
      throw new LockFileException(
          "lock entry "
              + pin
              + " names sha256 "
              + pin.sha256()
              + ", a file of "
              + size
              + " bytes, not the "
              + pin.size()
              + " bytes it pins"
              + fix);
    }
    ControlStanza control = DebFile.control(deb);
    String name = control.getOrEmpty("Package");
    String version = control.getOrEmpty("Version");
    if (!pin.name().equals(name) || !pin.version().equals(version)) {
      throw new LockFileException(
          "lock entry "
              + pin
              + " names sha256 "
              + pin.sha256()
              + ", which is "
              + name
              + " "
              + version
              + ", not the pinned "
              + pin.name()
              + " "
              + pin.version()
              + fix);
    }
  }

  /**
   * The file named {@code sha256}: from the store, or fetched from {@code uri} ({@code label} in
   * progress lines) and stored if it has {@code size} bytes hashing to {@code sha256}; {@code
   * statusError} turns an HTTP status into the error to throw, or null for the default.
   */
  Path cachedOrDownload(
      URI uri,
      String label,
      long size,
      String sha256,
      Function<Integer, ArchiveFetchException> statusError) {
    Optional<Path> cached = store.get(sha256);
    if (cached.isPresent()) {
      return cached.get();
    }
    return downloader.download(
        uri,
        label,
        OptionalLong.of(size),
        statusError,
        in -> {
          try {
            return store.put(sha256, in);
          } catch (ContentHashMismatchException e) {
            throw new ArchiveFetchException(
                uri,
                "GET "
                    + uri
                    + ": expected "
                    + size
                    + " bytes with sha256 "
                    + sha256
                    + ", got "
                    + e.bytes()
                    + " bytes with sha256 "
                    + e.actualSha256()
                    + "; nothing was cached. The mirror may be mid-sync or serving a corrupt file.",
                e);
          }
        });
  }

  /** Pool paths come from signed data, but never let one climb out of the archive. */
  private static String checkedPoolPath(String filename) {
    boolean climbs = List.of(filename.split("/")).contains("..");
    if (climbs || filename.startsWith("/") || filename.contains(":") || filename.contains("?")) {
      throw new DebianArchiveException("refusing pool path '" + filename + "' (expected pool/...)");
    }
    return filename;
  }
}
