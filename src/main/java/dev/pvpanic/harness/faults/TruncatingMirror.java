package dev.pvpanic.harness.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pvpanic.harness.image.debian.DebianMirrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mirror on loopback that passes requests through to the real Debian mirrors, except the first
 * download of one file: it announces the whole length, sends half, and drops the connection (a
 * download cut short, as a flaky proxy or a reset connection leaves it).
 */
final class TruncatingMirror implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(30))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
  private final DebianMirrors real;
  private final String victim;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger cut = new AtomicInteger();
  private final AtomicLong cutAfter = new AtomicLong();

  private TruncatingMirror(DebianMirrors real, String victim) throws IOException {
    this.real = real;
    this.victim = victim;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/main/", ex -> pass(ex, real.main(), "/main/"));
    server.createContext("/security/", ex -> pass(ex, real.security(), "/security/"));
    server.start();
  }

  /** Starts a mirror that cuts the first download whose path ends with {@code victim}. */
  static TruncatingMirror start(DebianMirrors real, String victim) throws IOException {
    return new TruncatingMirror(real, victim);
  }

  /** The mirrors to give a Debian archive client. */
  DebianMirrors mirrors() {
    URI base =
        URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port());
    return new DebianMirrors(base.resolve("/main/"), base.resolve("/security/"));
  }

  int requests() {
    return requests.get();
  }

  int cut() {
    return cut.get();
  }

  long cutAfter() {
    return cutAfter.get();
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private void pass(HttpExchange ex, URI upstream, String prefix) throws IOException {
    String rest = ex.getRequestURI().getRawPath().substring(prefix.length());
    boolean isVictim = ex.getRequestURI().getPath().endsWith(victim);
    if (isVictim) {
      requests.incrementAndGet();
    }
    HttpResponse<InputStream> up;
    try {
      up =
          http.send(
              HttpRequest.newBuilder(upstream.resolve(rest)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(503, -1);
      ex.close();
      return;
    }
    long length = up.headers().firstValueAsLong("content-length").orElse(0);
    try (InputStream in = up.body()) {
      ex.sendResponseHeaders(up.statusCode(), length > 0 ? length : 0);
      OutputStream out = ex.getResponseBody();
      if (isVictim && length > 0 && cut.get() == 0) {
        long half = length / 2;
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        while (sent < half) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, half - sent));
          if (n < 0) {
            break;
          }
          out.write(buffer, 0, n);
          sent += n;
        }
        out.flush();
        cut.incrementAndGet();
        cutAfter.set(sent);
        // closing short of the announced length makes the server drop the connection
        try {
          out.close();
        } catch (IOException expected) {
          // "insufficient bytes written to stream": the cut itself
        }
        return;
      }
      in.transferTo(out);
      out.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
