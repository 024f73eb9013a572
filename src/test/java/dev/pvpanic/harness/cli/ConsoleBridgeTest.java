package dev.pvpanic.harness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.console.SerialConsole;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketPair;

/** A person on the bridge socket sees the guest's lines and types to the guest. */
class ConsoleBridgeTest {
  @TempDir Path tmp;
  private Socket guest;
  private SerialConsole console;
  private Path socketDir;

  @BeforeEach
  void aConsoleWithAGuest() throws Exception {
    var pair = AFUNIXSocketPair.open();
    Socket host = pair.getSocket1().socket();
    guest = pair.getSocket2().socket();
    console =
        SerialConsole.open(
            host.getInputStream(),
            host.getOutputStream(),
            host,
            new SerialConsole.Options(
                tmp.resolve("console.log"), "bridged", Duration.ofSeconds(5)));
    socketDir = Files.createTempDirectory(Path.of("/tmp"), "pvh-bridge-test-");
  }

  @AfterEach
  void close() throws Exception {
    console.close();
    guest.close();
    Files.deleteIfExists(socketDir.resolve("c.sock"));
    Files.deleteIfExists(socketDir);
  }

  private void guestPrints(String text) throws Exception {
    OutputStream out = guest.getOutputStream();
    out.write(text.getBytes(UTF_8));
    out.flush();
  }

  @Test
  void relaysBothWays() throws Exception {
    guestPrints("booted\r\n");
    console.expect(java.util.regex.Pattern.compile("booted"), Duration.ofSeconds(5));
    Path sock = socketDir.resolve("c.sock");
    try (ConsoleBridge bridge = ConsoleBridge.open(console, sock);
        Socket person = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(sock))) {
      person.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(person.getInputStream(), UTF_8));
      assertTrue(in.readLine().startsWith("[pvpanic: console of bridged"));
      assertEquals("booted", in.readLine().strip(), "a new connection gets the recent lines");

      guestPrints("after connect\r\n");
      assertEquals("after connect", in.readLine().strip());

      person.getOutputStream().write("uname -r\n".getBytes(UTF_8));
      person.getOutputStream().flush();
      byte[] typed = new byte["uname -r\n".length()];
      guest.setSoTimeout(5000);
      int n = 0;
      while (n < typed.length) {
        n += guest.getInputStream().read(typed, n, typed.length - n);
      }
      assertEquals(
          "uname -r\n", new String(typed, UTF_8), "typed bytes reach the guest as they are");
    }
    assertFalse(Files.exists(sock) && canConnect(sock), "the bridge stops listening when closed");
  }

  private static boolean canConnect(Path sock) {
    try (Socket s = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(sock))) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
