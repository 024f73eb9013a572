package dev.pvpanic.harness.image.debian;

import dev.pvpanic.harness.image.cache.CacheException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * GETs files from a mirror: with progress, stall detection and bounded retries of connection
 * failures, 5xx answers and broken transfers.
 */
final class ArchiveDownloader {
  // One daemon thread watches every transfer for stalls; daemon so it never keeps a JVM alive.
  private static final ScheduledExecutorService STALL_WATCH =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pvh-download-stall-watch");
            t.setDaemon(true);
            return t;
          });

  private final HttpClient http;
  private final ProgressSink progress;
  private final DebianArchive.Timeouts timeouts;

  ArchiveDownloader(HttpClient http, ProgressSink progress, DebianArchive.Timeouts timeouts) {
    this.http = http;
    this.progress = progress;
    this.timeouts = timeouts;
  }

  @FunctionalInterface
  interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /**
   * GETs {@code uri} and hands the body, with progress and stall detection, to {@code reader}.
   * Retries connection failures, 5xx answers and broken or stalled transfers; {@code statusError}
   * turns other non-200 statuses into the caller's exception (null: a generic one).
   */
  <T> T download(
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
