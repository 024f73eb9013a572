package dev.pvpanic.harness.image.debian;

import dev.pvpanic.harness.image.cache.CacheException;
import dev.pvpanic.harness.image.cache.ContentHashMismatchException;
import dev.pvpanic.harness.image.cache.ContentStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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

  // One daemon thread watches every transfer for stalls; daemon so it never keeps a JVM alive.
  private static final ScheduledExecutorService STALL_WATCH =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pvh-download-stall-watch");
            t.setDaemon(true);
            return t;
          });

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
  private final ContentStore store;
  private final HttpClient http;
  private final ProgressSink progress;
  private final InReleaseVerifier verifier;
  private final Timeouts timeouts;
  private final Map<String, VerifiedInRelease> inReleases = new HashMap<>();
  private final Map<String, PackagesIndex> indexes = new HashMap<>();

  public DebianArchive(
      DebianMirrors mirrors,
      ArchiveKeyring keyring,
      ContentStore store,
      HttpClient http,
      ProgressSink progress) {
    this(mirrors, keyring, store, http, progress, Timeouts.DEFAULT);
  }

  public DebianArchive(
      DebianMirrors mirrors,
      ArchiveKeyring keyring,
      ContentStore store,
      HttpClient http,
      ProgressSink progress,
      Timeouts timeouts) {
    this.mirrors = mirrors;
    this.store = store;
    this.http = http;
    this.progress = progress;
    this.verifier = new InReleaseVerifier(keyring);
    this.timeouts = timeouts;
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
        download(
            uri,
            suite + "/InRelease",
            OptionalLong.empty(),
            status ->
                status == 404
                    ? new ArchiveFetchException(
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
    verified.release(); // refuse a Release for another suite now, not at first use
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
    URI uri =
        release.acquireByHash()
            ? suiteBase(suite).resolve(parentOf(file.path()) + "by-hash/SHA256/" + file.sha256())
            : suiteBase(suite).resolve(file.path());
    Path blob =
        cachedOrDownload(
            uri, suite + "/" + file.path(), file.size(), file.sha256(), status -> null);
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
      Optional<Path> cached = store.get(entry.sha256());
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
  public Path fetch(LockedPackage pin) {
    URI uri = mirrors.archiveFor(pin.suite()).resolve(checkedPoolPath(pin.filename()));
    return cachedOrDownload(
        uri,
        pin.filename().substring(pin.filename().lastIndexOf('/') + 1),
        pin.size(),
        pin.sha256(),
        status -> status == 404 || status == 410 ? new PackageLeftMirrorException(pin, uri) : null);
  }

  private Path cachedOrDownload(
      URI uri,
      String label,
      long size,
      String sha256,
      Function<Integer, ArchiveFetchException> statusError) {
    Optional<Path> cached = store.get(sha256);
    if (cached.isPresent()) {
      return cached.get();
    }
    return download(
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

  @FunctionalInterface
  private interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /**
   * GETs {@code uri} and hands the body, with progress and stall detection, to {@code reader}.
   * Retries connection failures, 5xx answers and broken or stalled transfers; {@code statusError}
   * turns other non-200 statuses into the caller's exception (null: a generic one).
   */
  private <T> T download(
      URI uri,
      String label,
      OptionalLong size,
      Function<Integer, ArchiveFetchException> statusError,
      BodyReader<T> reader) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeouts.response())
            .header("User-Agent", "pvpanic-harness")
            .GET()
            .build();
    Duration pause = timeouts.retryPause();
    for (int attempt = 1; ; attempt++) {
      String failure;
      Throwable cause;
      try {
        HttpResponse<InputStream> response =
            http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status != 200) {
          response.body().close();
          ArchiveFetchException specific = statusError.apply(status);
          if (specific != null) {
            throw specific;
          }
          if (status < 500) {
            throw new ArchiveFetchException(uri, "GET " + uri + " returned HTTP " + status);
          }
          failure = "HTTP " + status;
          cause = null;
        } else {
          TransferStream transfer = new TransferStream(response.body(), label, size);
          ScheduledFuture<?> watch =
              STALL_WATCH.scheduleWithFixedDelay(
                  transfer::abortIfStalled, 100, 100, TimeUnit.MILLISECONDS);
          try (transfer) {
            T result = reader.read(transfer);
            if (!transfer.broken()) {
              return result;
            }
            failure = transfer.whyBroken();
            cause = null;
          } catch (IOException | CacheException | ArchiveFetchException e) {
            if (!transfer.broken()) {
              throw e;
            }
            failure = transfer.whyBroken();
            cause = e;
          } finally {
            watch.cancel(false);
            transfer.finish();
          }
        }
      } catch (IOException e) {
        failure = e.toString();
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ArchiveFetchException(uri, "interrupted while fetching " + uri, e);
      }
      if (attempt >= timeouts.attempts()) {
        throw new ArchiveFetchException(
            uri, "GET " + uri + " failed " + attempt + " times; last: " + failure, cause);
      }
      sleep(pause, uri);
      pause = pause.multipliedBy(2);
    }
  }

  private static void sleep(Duration pause, URI uri) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArchiveFetchException(uri, "interrupted while waiting to retry " + uri, e);
    }
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

  /** Pool paths come from signed data, but never let one climb out of the archive. */
  private static String checkedPoolPath(String filename) {
    boolean climbs = List.of(filename.split("/")).contains("..");
    if (climbs || filename.startsWith("/") || filename.contains(":") || filename.contains("?")) {
      throw new DebianArchiveException("refusing pool path '" + filename + "' (expected pool/...)");
    }
    return filename;
  }

  /**
   * A response body that reports progress, and that the stall watch closes when no byte arrives for
   * {@link Timeouts#stall}: closing makes the blocked read return, and {@link #broken} tells the
   * truncated result apart from a real one.
   */
  private final class TransferStream extends FilterInputStream {
    private final String label;
    private final OptionalLong size;
    private final long started = System.nanoTime();
    private volatile long lastByteAt = started;
    private volatile long bytes;
    private volatile String whyBroken;
    private boolean finished;

    TransferStream(InputStream body, String label, OptionalLong size) {
      super(body);
      this.label = label;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n;
      try {
        n = super.read(buffer, offset, length);
      } catch (IOException e) {
        if (whyBroken == null) {
          whyBroken = "transfer broke after " + bytes + " bytes: " + e;
        }
        throw e;
      }
      if (whyBroken != null) {
        throw new IOException(whyBroken);
      }
      if (n > 0) {
        bytes += n;
        lastByteAt = System.nanoTime();
        progress.update(new DownloadProgress(label, bytes, size, rate(), false));
      }
      return n;
    }

    void abortIfStalled() {
      if (whyBroken == null && System.nanoTime() - lastByteAt > timeouts.stall().toNanos()) {
        whyBroken =
            "transfer stalled: no data for "
                + timeouts.stall().toSeconds()
                + " s after "
                + bytes
                + " bytes";
        try {
          in.close();
        } catch (IOException ignored) {
          // Closing is only to wake the reader.
        }
      }
    }

    boolean broken() {
      return whyBroken != null;
    }

    String whyBroken() {
      return whyBroken;
    }

    void finish() {
      if (!finished) {
        finished = true;
        progress.update(new DownloadProgress(label, bytes, size, rate(), true));
      }
    }

    private double rate() {
      double seconds = (System.nanoTime() - started) / 1e9;
      return seconds <= 0 ? 0 : bytes / seconds;
    }
  }
}
