package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.console.SerialConsole;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Lends a kept guest's serial console to a person on a unix socket. QEMU's console socket is the
 * harness's (QEMU connected to it, and the aarch64 PL011 cannot be re-plugged to another chardev),
 * so the bridge relays: what the person types goes to the guest as it is; what the guest prints
 * comes back line by line (a prompt shows once its line is complete). One person at a time: a new
 * connection replaces the last.
 */
final class ConsoleBridge implements AutoCloseable {
  private static final int CONTEXT_LINES = 20;

  private final SerialConsole console;
  private final AFUNIXServerSocket server;
  private final Thread acceptor;
  private volatile Socket client;
  private volatile boolean live;
  private volatile boolean closed;

  private ConsoleBridge(SerialConsole console, AFUNIXServerSocket server) {
    this.console = console;
    this.server = server;
    this.acceptor = new Thread(this::acceptUntilClosed, "console-bridge-" + console.name());
    this.acceptor.setDaemon(true);
  }

  static ConsoleBridge open(SerialConsole console, Path socket) {
    try {
      ConsoleBridge bridge =
          new ConsoleBridge(console, AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(socket)));
      // Lines so far are delivered at once on this thread: a new client gets a tail instead.
      console.addLineListener(bridge::relay);
      bridge.live = true;
      bridge.acceptor.start();
      return bridge;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + socket, e);
    }
  }

  private void acceptUntilClosed() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket previous = client;
      client = s;
      closeQuietly(previous);
      try {
        write(s, "[pvpanic: console of " + console.name() + "; last lines:]\r\n");
        for (String line : console.tail(CONTEXT_LINES)) {
          write(s, line + "\r\n");
        }
      } catch (IOException e) {
        closeQuietly(s);
        continue;
      }
      Thread typing = new Thread(() -> type(s), "console-bridge-input");
      typing.setDaemon(true);
      typing.start();
    }
  }

  /** What the person types, to the guest as it is. */
  private void type(Socket s) {
    byte[] buf = new byte[1024];
    try (InputStream in = s.getInputStream()) {
      int n;
      while (!closed && (n = in.read(buf)) >= 0) {
        if (n > 0) {
          console.sendRaw(Arrays.copyOf(buf, n));
        }
      }
    } catch (IOException | ConsoleException e) {
      // the person left, or the guest's console closed: either ends this connection
    } finally {
      closeQuietly(s);
    }
  }

  private void relay(String line) {
    Socket s = client;
    if (!live || s == null) {
      return;
    }
    try {
      write(s, line + "\r\n");
    } catch (IOException e) {
      closeQuietly(s);
    }
  }

  private static void write(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    synchronized (s) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @Override
  public void close() {
    closed = true;
    live = false;
    closeQuietly(server);
    closeQuietly(client);
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // already gone
    }
  }
}
