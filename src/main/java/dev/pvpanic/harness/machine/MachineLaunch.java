package dev.pvpanic.harness.machine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.qmp.QmpClient;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * One start of QEMU, from its argv to a connected {@link QemuMachine}: the harness listens on the
 * QMP and serial console sockets before QEMU starts (QEMU connects, nothing polls for a socket
 * file), starts the process through the build's {@link QemuBackend}, accepts both connections while
 * watching that QEMU still lives, opens the {@link MachineChannels} and checks that the QEMU that
 * came up runs as it was asked to (accelerator, confinement).
 *
 * <p>When a step fails it finds out why (did QEMU exit, with which exit code, what did it write to
 * stderr?), closes what it opened, removes the run folder and throws one {@link
 * MachineLaunchException}.
 */
final class MachineLaunch {
  private final MachineSpec spec;
  private final AcceleratorDecision decision;
  private final QemuConfinement confinement;
  private final FileHandover handover;
  private final RunFolder folder;
  private final MachineArtifacts artifacts;
  private final List<String> argv;
  private AFUNIXServerSocket qmpServer;
  private AFUNIXServerSocket consoleServer;
  private QemuProcess process;
  private Socket qmpSocket;
  private Socket consoleSocket;
  private MachineChannels channels;

  /** The sockets QEMU connects to, in the run folder. */
  static final String QMP_SOCKET = "qmp.sock";

  static final String CONSOLE_SOCKET = "console.sock";

  /**
   * @param argv QEMU's argv, which connects to {@link #QMP_SOCKET} and {@link #CONSOLE_SOCKET} in
   *     {@code folder}
   */
  MachineLaunch(
      MachineSpec spec,
      AcceleratorDecision decision,
      QemuConfinement confinement,
      FileHandover handover,
      RunFolder folder,
      MachineArtifacts artifacts,
      List<String> argv) {
    this.spec = spec;
    this.decision = decision;
    this.confinement = confinement;
    this.handover = handover;
    this.folder = folder;
    this.artifacts = artifacts;
    this.argv = argv;
  }

  /** Starts QEMU; call once. */
  QemuMachine start() {
    Instant deadline = Instant.now().plus(spec.startTimeout());
    try {
      artifacts.writeArgv(argv);
      qmpServer = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(folder.resolve(QMP_SOCKET)));
      consoleServer =
          AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(folder.resolve(CONSOLE_SOCKET)));
      Instant startedAt = Instant.now();
      process =
          spec.qemu()
              .backend()
              .start(
                  new QemuInvocation(
                      spec.name(),
                      argv,
                      env(spec, folder),
                      folder.path(),
                      inputs(spec),
                      decision.used() == Accelerator.KVM,
                      artifacts.stdout(),
                      artifacts.stderr()));
      qmpSocket = accept(qmpServer, "QMP", deadline);
      consoleSocket = accept(consoleServer, "serial console", deadline);
      channels = MachineChannels.open(qmpSocket, consoleSocket, spec, artifacts);
      checkAccelerator(channels.qmp(), decision);
      // QEMU answers QMP commands from its main loop, which it enters after dropping privileges:
      // what /proc says now is how the guest's QEMU runs.
      ProcessConfinement measured = measure(process, confinement);
      if (spec.incoming().isPresent()) {
        SavedState.startIncoming(channels.qmp(), handover, spec.incoming().get(), 0);
      }
      return new QemuMachine(
          spec,
          folder,
          artifacts,
          argv,
          process,
          channels.qmp(),
          channels.console(),
          decision,
          confinement,
          measured,
          handover,
          startedAt);
    } catch (IOException | RuntimeException e) {
      throw failed(e);
    } finally {
      QemuMachine.closeQuietly(consoleServer, qmpServer);
    }
  }

  /** Finds out why the start failed, cleans up, and says so in one exception. */
  private MachineLaunchException failed(Exception e) {
    Optional<Integer> exit = Optional.empty();
    if (process != null) {
      // Give a dying QEMU a moment to exit so its exit code and last words are known.
      exit = process.awaitExit(Duration.ofMillis(500));
      if (exit.isEmpty()) {
        process.kill();
        process.awaitExit(QemuMachine.KILL_GRACE);
      }
    }
    QemuMachine.closeQuietly(channels, consoleSocket, qmpSocket, consoleServer, qmpServer, process);
    String stderr = artifacts.stderrTail(40);
    folder.close();
    if (e instanceof MachineLaunchException mle) {
      return mle;
    }
    return new MachineLaunchException(
        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
        exit,
        argv,
        stderr,
        e);
  }

  /**
   * How the running QEMU is confined, from /proc; a QEMU that is not confined as it was asked to be
   * is refused: a sandbox that did not take, a user it did not drop to.
   */
  private static ProcessConfinement measure(QemuProcess process, QemuConfinement confinement) {
    long pid = process.qemuPid();
    ProcessConfinement measured =
        ProcessConfinement.of(pid)
            .orElseThrow(
                () -> new MachineException("cannot read /proc/" + pid + "/status of QEMU"));
    Optional<String> mismatch = confinement.mismatch(measured);
    if (mismatch.isPresent()) {
      throw new MachineException(mismatch.get());
    }
    return measured;
  }

  /** The files QEMU reads, which a container backend must share with it. */
  private static List<Path> inputs(MachineSpec spec) {
    List<Path> files = new ArrayList<>();
    spec.kernel().ifPresent(files::add);
    spec.initrd().ifPresent(files::add);
    spec.disk().ifPresent(files::add);
    return files;
  }

  /**
   * QEMU's environment: the build's, and for a machine with a disk TMPDIR in the run folder, where
   * {@code snapshot=on} puts its overlay (the folder goes with the cell, even when QEMU is killed).
   */
  private static java.util.Map<String, String> env(MachineSpec spec, RunFolder folder) {
    if (spec.disk().isEmpty()) {
      return spec.qemu().env();
    }
    java.util.Map<String, String> env = new java.util.HashMap<>(spec.qemu().env());
    env.put("TMPDIR", folder.path().toString());
    return env;
  }

  /*
   * Accept with a short socket timeout so a QEMU that dies during start-up is noticed at once
   * instead of after the whole start timeout.
   */
  private Socket accept(AFUNIXServerSocket server, String what, Instant deadline)
      throws IOException {
    server.setSoTimeout(200);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("QEMU exited before connecting its " + what + " socket");
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("QEMU did not connect its " + what + " socket in time");
      }
      try {
        return server.accept();
      } catch (SocketTimeoutException e) {
        // check the process and the deadline again
      }
    }
  }

  private static void checkAccelerator(QmpClient qmp, AcceleratorDecision decision) {
    JsonNode kvm = qmp.execute("query-kvm");
    boolean enabled = kvm.path("enabled").asBoolean(false);
    if (decision.used() == Accelerator.KVM && !enabled) {
      throw new MachineException(
          "KVM was asked for but QEMU reports it is not enabled (query-kvm: " + kvm + ")");
    }
    if (decision.used() == Accelerator.TCG && enabled) {
      throw new MachineException("TCG was asked for but QEMU reports KVM enabled: " + kvm);
    }
  }
}
