package dev.pvpanic.harness.image.debian;

import dev.pvpanic.harness.IoText;
import dev.pvpanic.harness.image.cache.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Debian archive as the image builder sees it: verified suite metadata, package indexes, and
 * .deb files fetched into the {@link ContentStore}.
 *
 * <p>InRelease files are fetched once per instance (per run) and verified; index files are cached
 * on disk only under the SHA-256 a verified InRelease lists, and pool files under the SHA-256 their
 * index or the lock file names. So {@link #fetch(LockedPackage)} with a warm cache makes no request
 * at all. Every request and every stalled transfer is bounded by a timeout; transient failures are
 * retried a few times.
 */
public final class DebianArchive {

  /** The only component the harness reads. */
  public static final String COMPONENT = "main";

  private static final long MAX_INRELEASE_BYTES = 32L * 1024 * 1024;
  private static final List<String> INDEX_COMPRESSIONS = List.of(".xz", ".gz");

  /**
   * How long to wait and how often to try.
   *
   * @param response for the response headers of one request
   * @param stall for the next bytes of a body; a transfer silent this long is aborted
   * @param attempts per file, for connection failures, 5xx answers and broken transfers
   * @param retryPause before the second attempt, doubled before each later one
   */
  public record Timeouts(Duration response, Duration stall, int attempts, Duration retryPause) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), 3, Duration.ofSeconds(2));
  }

  private final DebianMirrors mirrors;
  private final InReleaseVerifier verifier;
  private final ArchiveDownloader downloader;
  private final ArchiveFiles files;
  private final boolean allowStale;
  private final Map<String, VerifiedInRelease> inReleases = new HashMap<>();
  private final Map<String, PackagesIndex> indexes = new HashMap<>();
  private final Map<String, SourcesIndex> sourceIndexes = new HashMap<>();

  public DebianArchive(
      DebianMirrors mirrors,
      ArchiveKeyring keyring,
      ContentStore store,
      HttpClient http,
      ProgressSink progress) {
    this(mirrors, keyring, store, http, progress, Timeouts.DEFAULT, false);
  }

  /**
   * @param allowStale take an InRelease past its Valid-Until (a snapshot archive serves only such);
   *     otherwise one is refused: a mirror that serves it is frozen, or replays old metadata
   */
  public DebianArchive(
      DebianMirrors mirrors,
      ArchiveKeyring keyring,
      ContentStore store,
      HttpClient http,
      ProgressSink progress,
      Timeouts timeouts,
      boolean allowStale) {
    this.allowStale = allowStale;
    this.mirrors = mirrors;
    this.verifier = new InReleaseVerifier(keyring);
    this.downloader = new ArchiveDownloader(http, progress, timeouts);
    this.files = new ArchiveFiles(mirrors, store, downloader);
  }

  /** An HTTP client suited to mirrors: follows redirects, bounded connect time. */
  public static HttpClient defaultHttpClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  public DebianMirrors mirrors() {
    return mirrors;
  }

  /** The verified Release of {@code suite} (a codename like {@code sid} or a suite name). */
  public Release release(String suite) {
    return inRelease(suite).release();
  }

  /** The verified InRelease of {@code suite}, with the ids of the keys that signed it. */
  public synchronized VerifiedInRelease inRelease(String suite) {
    VerifiedInRelease known = inReleases.get(suite);
    if (known != null) {
      return known;
    }
    URI uri = suiteBase(suite).resolve("InRelease");
    byte[] bytes =
        downloader.download(
            uri,
            suite + "/InRelease",
            OptionalLong.empty(),
            status ->
                status == 404
                    ? new UnknownSuiteException(
                        uri,
                        "the mirror "
                            + mirrors.archiveFor(suite)
                            + " has no suite '"
                            + suite
                            + "' (GET "
                            + uri
                            + " returned 404); suites look like bookworm, bookworm-backports,"
                            + " bookworm-security, trixie, sid, experimental")
                    : null,
            in -> readBounded(in, uri));
    VerifiedInRelease verified = verifier.verify(suite, bytes);
    Release release = verified.release(); // refuse a Release for another suite now
    Instant now = Instant.now();
    if (!allowStale && release.isStaleAt(now)) {
      throw new DebianArchiveException(
          "the InRelease of '"
              + suite
              + "' at "
              + mirrors.archiveFor(suite)
              + " expired at "
              + release.validUntil().orElseThrow()
              + " (Valid-Until; now "
              + now
              + "): the mirror is frozen or replays old metadata. To use it anyway (a snapshot"
              + " archive), set -Dpvh.debian.allow-stale=true or PVH_DEBIAN_ALLOW_STALE=true");
    }
    inReleases.put(suite, verified);
    return verified;
  }

  /**
   * The {@code main} Packages index of {@code suite} for {@code arch}, its file checked against the
   * verified InRelease. Parsed once per instance; the downloaded file is cached by its SHA-256.
   */
  public synchronized PackagesIndex packages(String suite, String arch) {
    String key = suite + "/" + arch;
    PackagesIndex known = indexes.get(key);
    if (known != null) {
      return known;
    }
    Release release = release(suite);
    String stem = COMPONENT + "/binary-" + arch + "/Packages";
    IndexedFile file =
        INDEX_COMPRESSIONS.stream()
            .map(suffix -> release.file(stem + suffix))
            .flatMap(Optional::stream)
            .findFirst()
            .orElseThrow(
                () ->
                    new DebianArchiveException(
                        "suite '"
                            + suite
                            + "' lists no "
                            + stem
                            + ".xz or .gz; its Release has indexes for: "
                            + release.files().keySet().stream()
                                .filter(
                                    p -> p.matches(COMPONENT + "/binary-[^/]+/Packages\\.(xz|gz)"))
                                .map(p -> p.split("/")[1].substring("binary-".length()))
                                .distinct()
                                .toList()));
    Path blob = indexBlob(suite, release, file);
    PackagesIndex index;
    try (InputStream in = Files.newInputStream(blob)) {
      index = PackagesIndex.parseCompressed(suite, arch, file.path(), in);
    } catch (IOException e) {
      throw new DebianArchiveException(
          "cannot read the " + key + " Packages index " + blob + ": " + e.getMessage(), e);
    }
    indexes.put(key, index);
    return index;
  }

  /**
   * The {@code main} Sources index of {@code suite} ({@code main/source/Sources.xz} or {@code
   * .gz}), checked against the verified InRelease and cached like {@link #packages}; parsed once.
   */
  public synchronized SourcesIndex sources(String suite) {
    SourcesIndex known = sourceIndexes.get(suite);
    if (known != null) {
      return known;
    }
    Release release = release(suite);
    String stem = COMPONENT + "/source/Sources";
    IndexedFile file =
        INDEX_COMPRESSIONS.stream()
            .flatMap(suffix -> release.file(stem + suffix).stream())
            .findFirst()
            .orElseThrow(
                () -> new DebianArchiveException(suite + " lists no " + stem + ".xz or .gz"));
    String path = file.path();
    Path blob = indexBlob(suite, release, file);
    try (InputStream in = Files.newInputStream(blob)) {
      SourcesIndex index = SourcesIndex.parseCompressed(suite, path, in);
      sourceIndexes.put(suite, index);
      return index;
    } catch (IOException e) {
      throw new DebianArchiveException(
          "cannot read " + suite + "/" + path + ": " + IoText.of(e, blob), e);
    }
  }

  /**
   * Every file of {@code entry}, a source package of {@code suite}'s {@link #sources}, from the
   * cache or downloaded and verified against the index's SHA-256: file name to blob, index order.
   */
  public Map<String, Path> fetchSource(String suite, SourceEntry entry) {
    return files.source(suite, entry);
  }

  /**
   * The .deb of {@code entry}, from the cache or downloaded and verified against the index's
   * SHA-256. {@code entry} must come from an index this archive loaded (that tells which archive,
   * main or security, serves it); otherwise use {@link #fetch(String, PackageEntry)}.
   */
  public Path fetch(PackageEntry entry) {
    String suite;
    synchronized (this) {
      suite =
          indexes.values().stream()
              .filter(index -> index.versions(entry.name()).contains(entry))
              .map(PackagesIndex::suite)
              .findFirst()
              .orElse(null);
    }
    if (suite == null) {
      Optional<Path> cached = files.cached(entry.sha256());
      if (cached.isPresent()) {
        return cached.get();
      }
      throw new IllegalArgumentException(
          entry + " does not come from an index this archive loaded; use fetch(suite, entry)");
    }
    return fetch(suite, entry);
  }

  /** The .deb of {@code entry}, listed in {@code suite}'s index. */
  public Path fetch(String suite, PackageEntry entry) {
    return files.deb(suite, entry);
  }

  /**
   * The .deb a lock file pins, from the cache (no network request at all) or downloaded and
   * verified against the pinned SHA-256. A pin whose pool file is gone throws {@link
   * PackageLeftMirrorException}; one whose SHA-256 names another package is refused.
   */
  public Path fetch(LockedPackage pin) {
    return files.deb(pin);
  }

  /** An index file the verified Release lists, by hash when the archive serves it so. */
  private Path indexBlob(String suite, Release release, IndexedFile file) {
    String path =
        release.acquireByHash()
            ? parentOf(file.path()) + "by-hash/SHA256/" + file.sha256()
            : file.path();
    return files.cachedOrDownload(
        suiteBase(suite).resolve(path),
        suite + "/" + file.path(),
        file.size(),
        file.sha256(),
        status -> null);
  }

  private static byte[] readBounded(InputStream in, URI uri) throws IOException {
    byte[] bytes = in.readNBytes((int) MAX_INRELEASE_BYTES + 1);
    if (bytes.length > MAX_INRELEASE_BYTES) {
      throw new ArchiveFetchException(
          uri, uri + " is larger than " + MAX_INRELEASE_BYTES + " bytes; not an InRelease");
    }
    return bytes;
  }

  private URI suiteBase(String suite) {
    if (!suite.matches("[A-Za-z0-9][A-Za-z0-9.+_-]*")) {
      throw new IllegalArgumentException(
          "not a suite name: '" + suite + "' (e.g. bookworm, bookworm-backports, sid)");
    }
    return mirrors.archiveFor(suite).resolve("dists/" + suite + "/");
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash + 1);
  }
}
