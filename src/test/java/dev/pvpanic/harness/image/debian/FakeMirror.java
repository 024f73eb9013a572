package dev.pvpanic.harness.image.debian;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pvpanic.harness.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * A Debian mirror on 127.0.0.1 serving files the test publishes, with a log of every request path
 * so tests can tell whether the network was used. Main archive under {@code /debian/}, security
 * under {@code /debian-security/}.
 */
final class FakeMirror implements AutoCloseable {

  /** A published binary package: its index entry and the bytes served at its pool path. */
  record Published(PackageEntry entry, byte[] deb) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Deque<Integer>> failures = new ConcurrentHashMap<>();
  private final Map<String, Long> stalls = new ConcurrentHashMap<>();
  private final List<String> requests = new ArrayList<>();
  private volatile String validUntil;

  FakeMirror() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-mirror");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  DebianMirrors mirrors() {
    return new DebianMirrors(base().resolve("debian/"), base().resolve("debian-security/"));
  }

  void put(String path, byte[] body) {
    files.put(path, body);
  }

  void remove(String path) {
    files.remove(path);
  }

  /** The next requests of {@code path} get these statuses, then the file is served. */
  void failNext(String path, int... statuses) {
    Deque<Integer> queue = failures.computeIfAbsent(path, p -> new ArrayDeque<>());
    for (int status : statuses) {
      queue.add(status);
    }
  }

  /** {@code path} sends its headers and half its body, then goes silent for {@code millis}. */
  void stallAfterHalf(String path, long millis) {
    stalls.put(path, millis);
  }

  List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /**
   * Publishes a suite: pool files, {@code main/binary-<arch>/Packages.xz} (also under by-hash when
   * {@code byHash}), and an InRelease listing it, clearsigned by {@code key}.
   */
  /** Suites published from now on carry {@code Valid-Until: date} (a Release date). */
  void validUntil(String date) {
    validUntil = date;
  }

  void publishSuite(
      String archive,
      String suite,
      String codename,
      String arch,
      boolean byHash,
      TestSigningKey key,
      List<Published> packages) {
    StringBuilder index = new StringBuilder();
    for (Published p : packages) {
      PackageEntry e = p.entry();
      put("/" + archive + "/" + e.filename(), p.deb());
      index
          .append("Package: ")
          .append(e.name())
          .append('\n')
          .append("Version: ")
          .append(e.version())
          .append('\n')
          .append("Architecture: ")
          .append(e.architecture())
          .append('\n')
          .append("Description: test package\n two lines\n")
          .append("Filename: ")
          .append(e.filename())
          .append('\n')
          .append("Size: ")
          .append(e.size())
          .append('\n')
          .append("SHA256: ")
          .append(e.sha256())
          .append("\n\n");
    }
    byte[] plain = index.toString().getBytes(StandardCharsets.UTF_8);
    byte[] xz = xz(plain);
    String indexPath = "main/binary-" + arch + "/Packages.xz";
    String dists = "/" + archive + "/dists/" + suite + "/";
    put(dists + indexPath, xz);
    if (byHash) {
      put(dists + "main/binary-" + arch + "/by-hash/SHA256/" + Sha256.of(xz), xz);
    }
    String release =
        "Origin: Debian\nSuite: "
            + suite
            + "\nCodename: "
            + codename
            + "\nDate: Sat, 21 Nov 2026 10:00:00 UTC\n"
            + (validUntil == null ? "" : "Valid-Until: " + validUntil + "\n")
            + (byHash ? "Acquire-By-Hash: yes\n" : "")
            + "SHA256:\n "
            + Sha256.of(plain)
            + " "
            + plain.length
            + " main/binary-"
            + arch
            + "/Packages\n "
            + Sha256.of(xz)
            + " "
            + xz.length
            + " "
            + indexPath
            + "\n";
    put(
        dists + "InRelease",
        TestSigningKey.clearSign(release, key).getBytes(StandardCharsets.UTF_8));
  }

  /** A package whose .deb is {@code deb}, at a pool path in the usual layout. */
  static Published pkg(String pool, String name, String version, String arch, byte[] deb) {
    String filename =
        pool
            + "/"
            + name.charAt(0)
            + "/"
            + name
            + "/"
            + name
            + "_"
            + version.replaceFirst("^\\d+:", "")
            + "_"
            + arch
            + ".deb";
    return new Published(
        new PackageEntry(name, version, arch, filename, deb.length, Sha256.of(deb), name, "", ""),
        deb);
  }

  private static byte[] xz(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (XZCompressorOutputStream xz = new XZCompressorOutputStream(out)) {
      xz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    synchronized (requests) {
      requests.add(path);
    }
    try (exchange) {
      Deque<Integer> queue = failures.get(path);
      Integer failure = queue == null ? null : queue.poll();
      byte[] body = files.get(path);
      if (failure != null || body == null) {
        exchange.sendResponseHeaders(failure != null ? failure : 404, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      OutputStream out = exchange.getResponseBody();
      Long stall = stalls.get(path);
      if (stall != null) {
        out.write(body, 0, body.length / 2);
        out.flush();
        try {
          Thread.sleep(stall);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
