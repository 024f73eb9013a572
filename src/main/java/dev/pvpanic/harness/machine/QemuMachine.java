package dev.pvpanic.harness.machine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.console.SerialConsole;
import dev.pvpanic.harness.qmp.QmpClient;
import dev.pvpanic.harness.qmp.QmpException;
import dev.pvpanic.harness.qmp.QmpOptions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running QEMU process with its QMP monitor and serial console.
 *
 * <p>{@link #launch(MachineSpec)} returns only once QEMU is up and both channels are connected;
 * when that fails it finds out why (did QEMU die? with which exit code and stderr?), cleans up, and
 * throws one {@link MachineLaunchException}. {@link #close()} always leaves nothing behind: it asks
 * QEMU to {@code quit}, kills it if it doesn't, releases what its {@link QemuBackend} held (a
 * container) and removes the run folder. A JVM killed outright takes its QEMUs with it (see {@link
 * TetheredProcess} and {@link ContainerBackend}).
 */
public final class QemuMachine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QemuMachine.class);
  private static final Duration QUIT_GRACE = Duration.ofSeconds(10);
  private static final Duration KILL_GRACE = Duration.ofSeconds(10);
  // Per JVM: an interrupt or the JVM's end stops every QEMU it started, whichever session's.
  private static final Set<QemuMachine> LIVE = ConcurrentHashMap.newKeySet();
  // Per JVM: a person reads the warning about an unconfined build once per process.
  private static final Set<String> WARNED_UNCONFINED = ConcurrentHashMap.newKeySet();

  static {
    // Ctrl-C or a normal JVM exit: close what is still open. SIGKILL is covered by pdeathsig.
    Runtime.getRuntime().addShutdownHook(new Thread(QemuMachine::closeAll, "qemu-cleanup"));
  }

  /** Closes every machine still open in this JVM (a Ctrl-C, the JVM's exit). */
  public static void closeAll() {
    List.copyOf(LIVE).forEach(QemuMachine::close);
  }

  private final MachineSpec spec;
  private final RunFolder runFolder;
  private final MachineArtifacts artifacts;
  private final List<String> argv;
  private final QemuProcess process;
  private final QmpClient qmp;
  private final SerialConsole console;
  private final AcceleratorDecision accelerator;
  private final QemuConfinement confinement;
  private final ProcessConfinement measured;
  private final FileHandover migrationHandover;
  private final Instant startedAt;
  private final AtomicLong peakKb = new AtomicLong(-1);
  private final AtomicInteger handoverSerial = new AtomicInteger();
  private volatile boolean closing;
  private volatile boolean closed;

  private QemuMachine(
      MachineSpec spec,
      RunFolder runFolder,
      MachineArtifacts artifacts,
      List<String> argv,
      QemuProcess process,
      QmpClient qmp,
      SerialConsole console,
      AcceleratorDecision accelerator,
      QemuConfinement confinement,
      ProcessConfinement measured,
      FileHandover migrationHandover,
      Instant startedAt) {
    this.spec = spec;
    this.confinement = confinement;
    this.measured = measured;
    this.migrationHandover = migrationHandover;
    this.runFolder = runFolder;
    this.artifacts = artifacts;
    this.argv = argv;
    this.process = process;
    this.qmp = qmp;
    this.console = console;
    this.accelerator = accelerator;
    this.startedAt = startedAt;
  }

  /**
   * Starts QEMU for {@code spec}; {@link Accelerator#AUTO} is decided by {@link
   * AcceleratorSelector}.
   */
  public static QemuMachine launch(MachineSpec spec) {
    AcceleratorDecision decision = AcceleratorSelector.decide(spec);
    return launch(spec, decision);
  }

  /**
   * Starts QEMU with an accelerator already decided (TCG or KVM), confined as {@link
   * QemuConfinement} decides for its build; a QEMU that cannot be confined is refused under {@code
   * pvh.require-confinement}, else it runs and {@link #confinement()} carries the warning.
   */
  public static QemuMachine launch(MachineSpec spec, AcceleratorDecision decision) {
    QemuConfinement confinement = QemuConfinement.of(spec);
    if (!confinement.confined() && spec.confine() && spec.qemu().launch().requireConfinement()) {
      throw new MachineException(
          "QEMU build "
              + spec.qemu().label()
              + " cannot be confined and pvh.require-confinement is set: "
              + String.join("; ", confinement.warnings()));
    }
    if (spec.confine() && !confinement.confined() && WARNED_UNCONFINED.add(spec.qemu().label())) {
      LOG.warn(
          "QEMU {} runs less confined than intended: {}",
          spec.qemu().label(),
          String.join("; ", confinement.warnings()));
    }
    LOG.debug("{}: confinement {}", spec.name(), confinement.describe());
    FileHandover handover =
        spec.confine()
            ? FileHandover.forMigration(QemuIntrospector.introspect(spec.qemu(), spec.arch()))
            : FileHandover.NAMED_FD;
    if (confinement.user().isPresent() && spec.qemu().backend() instanceof LocalProcessBackend) {
      QemuReaper.ensureRunning();
    }
    RunFolder folder = RunFolder.create(spec.qemu().launch().runDir());
    MachineArtifacts artifacts = MachineArtifacts.in(spec.artifactsDir().orElse(folder.path()));
    Path qmpPath = folder.resolve("qmp.sock");
    Path consolePath = folder.resolve("console.sock");
    List<String> argv =
        QemuCommandLine.argv(spec, qmpPath, consolePath, decision.used(), confinement);
    Instant deadline = Instant.now().plus(spec.startTimeout());
    AFUNIXServerSocket qmpServer = null;
    AFUNIXServerSocket consoleServer = null;
    QemuProcess process = null;
    Socket qmpSocket = null;
    Socket consoleSocket = null;
    QmpClient qmp = null;
    SerialConsole console = null;
    try {
      artifacts.writeArgv(argv);
      qmpServer = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(qmpPath));
      consoleServer = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(consolePath));
      Instant startedAt = Instant.now();
      process =
          spec.qemu()
              .backend()
              .start(
                  new QemuInvocation(
                      spec.name(),
                      argv,
                      spec.qemu().env(),
                      folder.path(),
                      inputs(spec),
                      decision.used() == Accelerator.KVM,
                      artifacts.stdout(),
                      artifacts.stderr()));
      qmpSocket = accept(qmpServer, "QMP", process, deadline);
      consoleSocket = accept(consoleServer, "serial console", process, deadline);
      AFUNIXSocket fdSocket = (AFUNIXSocket) qmpSocket;
      qmp =
          QmpClient.open(
              qmpSocket.getInputStream(),
              qmpSocket.getOutputStream(),
              qmpSocket,
              fdSocket::setOutboundFileDescriptors,
              new QmpOptions(
                  Duration.ofSeconds(30), Optional.of(artifacts.qmpTranscript()), spec.name()));
      Socket cs = consoleSocket;
      console =
          SerialConsole.open(
              cs.getInputStream(),
              cs.getOutputStream(),
              cs,
              new SerialConsole.Options(
                  artifacts.consoleTranscript(), spec.name(), Duration.ofSeconds(60)));
      checkAccelerator(qmp, decision);
      // QEMU answers QMP commands from its main loop, which it enters after dropping privileges:
      // what /proc says now is how the guest's QEMU runs.
      ProcessConfinement measured = measure(process, confinement);
      if (spec.incoming().isPresent()) {
        SavedState.startIncoming(qmp, handover, spec.incoming().get(), 0);
      }
      QemuMachine machine =
          new QemuMachine(
              spec,
              folder,
              artifacts,
              argv,
              process,
              qmp,
              console,
              decision,
              confinement,
              measured,
              handover,
              startedAt);
      machine.handoverSerial.set(1);
      LIVE.add(machine);
      return machine;
    } catch (IOException | RuntimeException e) {
      Optional<Integer> exit = Optional.empty();
      if (process != null) {
        // Give a dying QEMU a moment to exit so its exit code and last words are known.
        exit = process.awaitExit(Duration.ofMillis(500));
        if (exit.isEmpty()) {
          process.kill();
          process.awaitExit(KILL_GRACE);
        }
      }
      closeQuietly(console, qmp, consoleSocket, qmpSocket, consoleServer, qmpServer, process);
      String stderr = artifacts.stderrTail(40);
      folder.close();
      if (e instanceof MachineLaunchException mle) {
        throw mle;
      }
      throw new MachineLaunchException(
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
          exit,
          argv,
          stderr,
          e);
    } finally {
      closeQuietly(consoleServer, qmpServer);
    }
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
    return files;
  }

  /*
   * Accept with a short socket timeout so a QEMU that dies during start-up is noticed at once
   * instead of after the whole start timeout.
   */
  private static Socket accept(
      AFUNIXServerSocket server, String what, QemuProcess process, Instant deadline)
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

  public MachineSpec spec() {
    return spec;
  }

  public QmpClient qmp() {
    return qmp;
  }

  public SerialConsole console() {
    return console;
  }

  public List<String> argv() {
    return argv;
  }

  public MachineArtifacts artifacts() {
    return artifacts;
  }

  public Path runFolder() {
    return runFolder.path();
  }

  /** How this QEMU was asked to be confined. */
  public QemuConfinement confinement() {
    return confinement;
  }

  /** How this QEMU ran, as /proc reported it once it was up: user, group, seccomp mode. */
  public ProcessConfinement measuredConfinement() {
    return measured;
  }

  FileHandover migrationHandover() {
    return migrationHandover;
  }

  /** A number no earlier hand-over to this QEMU used (descriptor names and set ids). */
  int nextHandoverSerial() {
    return handoverSerial.getAndIncrement();
  }

  /**
   * Writes the guest's memory into {@code file} ({@code dump-guest-memory}, {@code format} {@code
   * elf}, {@code kdump-zlib}, ...): the harness creates the file and hands it over as a descriptor,
   * so a QEMU running as another user writes where it has no right to.
   *
   * @throws QmpException when QEMU refuses or fails the dump
   * @throws IOException when the file cannot be created
   */
  public void dumpGuestMemory(Path file, String format, Duration timeout) throws IOException {
    try (FileOutputStream out = new FileOutputStream(file.toFile())) {
      String name = "pvh-" + nextHandoverSerial();
      qmp.passFd(name, out.getFD());
      qmp.execute(
          "dump-guest-memory",
          Map.of("paging", false, "protocol", "fd:" + name, "format", format),
          timeout);
    }
  }

  /** Which accelerator really runs this guest, and why. */
  public AcceleratorDecision accelerator() {
    return accelerator;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** The host pid of QEMU, or of the container process that parents it. */
  public long pid() {
    return process.pid();
  }

  /** How to find the process: {@code pid 1234}, {@code container 0123abcd (pid 1234)}. */
  public String processDescription() {
    return process.describe();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** QEMU's exit code once it has exited. */
  public Optional<Integer> exitCode() {
    return process.exitCode();
  }

  /** True when QEMU exited without {@link #close()} asking it to (e.g. after a guest panic). */
  public boolean exitedByItself() {
    return process.exitCode().isPresent() && !closing;
  }

  public CompletableFuture<Integer> onExit() {
    return process.onExit();
  }

  /** Waits for QEMU to exit; empty when it still runs after {@code timeout}. */
  public Optional<Integer> awaitExit(Duration timeout) {
    return process.awaitExit(timeout);
  }

  /** The last lines QEMU wrote to stderr. */
  public String stderrTail(int lines) {
    return artifacts.stderrTail(lines);
  }

  /**
   * Saves the whole machine (device state and RAM) into {@code file}; see {@link SavedState#save}.
   * The machine stays stopped (status {@code postmigrate}).
   *
   * @throws MachineException when the migration fails, QEMU exits, or it does not complete within
   *     {@code timeout}
   */
  public void saveState(Path file, Duration timeout) {
    SavedState.save(this, file, timeout);
  }

  /**
   * Waits until QEMU has loaded the state it was started with; see {@link
   * SavedState#awaitIncoming}.
   *
   * @return the status QEMU reached
   */
  public String awaitIncoming(Duration timeout) {
    return SavedState.awaitIncoming(this, timeout);
  }

  /**
   * Samples QEMU's peak resident memory now and keeps the largest sample. {@link #close()} samples
   * just before asking QEMU to quit; a QEMU that exited by itself can no longer be read, so for it
   * the figure is the last sample taken before (a lower bound).
   */
  public OptionalLong samplePeakMemory() {
    if (isAlive()) {
      PeakMemory.ofProcessKb(pid()).ifPresent(kb -> peakKb.accumulateAndGet(kb, Math::max));
    }
    return peakResidentKb();
  }

  /** The largest peak resident memory (VmHWM, KiB) sampled so far, if any. */
  public OptionalLong peakResidentKb() {
    long kb = peakKb.get();
    return kb < 0 ? OptionalLong.empty() : OptionalLong.of(kb);
  }

  /**
   * Stops QEMU and removes the run folder. Asks politely ({@code quit}), then kills. Idempotent and
   * safe to call from a {@code finally}, whatever state the machine is in.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
    }
    try {
      samplePeakMemory();
      if (ProcessState.stopped(process.pid())) {
        // a stopped QEMU answers nothing: asking it to quit only waits out the grace
        LOG.warn("QEMU {} is stopped (SIGSTOP from outside); killing it", spec.name());
        process.kill();
      } else if (process.isAlive() && qmp.isConnected()) {
        try {
          qmp.submit("quit", Map.of());
        } catch (RuntimeException e) {
          // QEMU may be going away already; the wait below decides.
        }
      }
      // Close the console before waiting: QEMU can block writing to a console nobody reads.
      closeQuietly(console);
      if (process.awaitExit(QUIT_GRACE).isEmpty()) {
        LOG.warn("QEMU {} ignored quit; killing it", spec.name());
        process.kill();
        if (process.awaitExit(KILL_GRACE).isEmpty()) {
          throw new MachineException(
              "QEMU " + process.describe() + " did not die after SIGKILL within " + KILL_GRACE);
        }
      }
    } finally {
      closeQuietly(qmp, console, process);
      if (spec.qemu().backend() instanceof LocalProcessBackend) {
        reapByPidFile();
      }
      runFolder.close();
      LIVE.remove(this);
    }
  }

  /**
   * Ends a QEMU the pid file names that is not the process the harness started and waited for: a
   * QEMU that forked away (a daemonized one) would outlive its cell. Only a live process whose
   * command line is a qemu-system binary is killed.
   */
  private void reapByPidFile() {
    Path pidFile = runFolder.resolve(QemuCommandLine.PID_FILE);
    try {
      if (!Files.isRegularFile(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      if (pid == process.pid()) {
        return;
      }
      ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h -> h.info().commandLine().orElse("").contains("qemu-system"))
          .ifPresent(
              h -> {
                LOG.warn("QEMU {} left pid {} running (forked away); killing it", spec.name(), pid);
                h.destroyForcibly();
                try {
                  h.onExit().get(KILL_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                  LOG.warn("pid {} did not end within {}", pid, KILL_GRACE);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    } catch (IOException | NumberFormatException e) {
      LOG.debug("pid file {} unreadable: {}", pidFile, e.toString());
    }
  }

  private static void closeQuietly(AutoCloseable... things) {
    for (AutoCloseable c : things) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("ignored while cleaning up: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "QemuMachine[" + spec.name() + ", " + process.describe() + "]";
  }

  static String readTail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
