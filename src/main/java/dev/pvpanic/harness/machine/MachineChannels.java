package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.console.SerialConsole;
import dev.pvpanic.harness.qmp.QmpClient;
import dev.pvpanic.harness.qmp.QmpOptions;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * QEMU's two connections to the harness once QEMU has connected them: the QMP monitor, its greeting
 * read and capabilities negotiated, and the guest's serial console. Both stream their transcripts
 * into the machine's artifacts.
 */
record MachineChannels(QmpClient qmp, SerialConsole console) implements AutoCloseable {

  /**
   * Takes over the two accepted sockets. The QMP socket is a unix socket, so the client can pass
   * file descriptors over it. When the console cannot be opened the QMP client is closed again.
   */
  static MachineChannels open(
      Socket qmpSocket, Socket consoleSocket, MachineSpec spec, MachineArtifacts artifacts)
      throws IOException {
    AFUNIXSocket fdSocket = (AFUNIXSocket) qmpSocket;
    QmpClient qmp =
        QmpClient.open(
            qmpSocket.getInputStream(),
            qmpSocket.getOutputStream(),
            qmpSocket,
            fdSocket::setOutboundFileDescriptors,
            new QmpOptions(
                Duration.ofSeconds(30), Optional.of(artifacts.qmpTranscript()), spec.name()));
    try {
      Socket cs = consoleSocket;
      SerialConsole console =
          SerialConsole.open(
              cs.getInputStream(),
              cs.getOutputStream(),
              cs,
              new SerialConsole.Options(
                  artifacts.consoleTranscript(), spec.name(), Duration.ofSeconds(60)));
      return new MachineChannels(qmp, console);
    } catch (IOException | RuntimeException e) {
      qmp.close();
      throw e;
    }
  }

  /** Closes the console first: QEMU can block writing to a console nobody reads. */
  @Override
  public void close() {
    QemuMachine.closeQuietly(console, qmp);
  }
}
