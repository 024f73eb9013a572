package dev.pvpanic.harness.console;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * A connected AF_UNIX socket pair standing in for QEMU's serial chardev: the console reads the host
 * side, the test plays the guest on the other.
 */
final class ConsoleSocketPair implements AutoCloseable {
  private final Socket host;
  private final Socket guest;

  private ConsoleSocketPair(Socket host, Socket guest) {
    this.host = host;
    this.guest = guest;
  }

  static ConsoleSocketPair open() throws IOException {
    var pair = AFUNIXSocketPair.open();
    return new ConsoleSocketPair(pair.getSocket1().socket(), pair.getSocket2().socket());
  }

  SerialConsole openConsole(Path transcript) throws IOException {
    return SerialConsole.open(
        host.getInputStream(),
        host.getOutputStream(),
        host,
        new SerialConsole.Options(transcript, "test-guest", Duration.ofSeconds(5)));
  }

  /** The guest writes {@code text} as UTF-8. */
  void print(String text) {
    print(text.getBytes(UTF_8));
  }

  void print(byte[] bytes) {
    try {
      OutputStream out = guest.getOutputStream();
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the console sends to the guest. */
  InputStream guestInput() throws IOException {
    return guest.getInputStream();
  }

  OutputStream guestOutput() throws IOException {
    return guest.getOutputStream();
  }

  /** The guest side goes away, as when QEMU exits. */
  void hangUp() throws IOException {
    guest.close();
  }

  /** Runs {@code script} on a daemon thread after {@code delay}: the guest doing things later. */
  static Thread later(Duration delay, Runnable script) {
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(delay.toMillis());
                script.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "scripted-guest");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Override
  public void close() throws IOException {
    try {
      guest.close();
    } finally {
      host.close();
    }
  }
}
