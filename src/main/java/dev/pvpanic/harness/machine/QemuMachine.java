package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.console.SerialConsole;
import dev.pvpanic.harness.qmp.QmpClient;
import dev.pvpanic.harness.qmp.QmpException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running QEMU process with its QMP monitor and serial console.
 *
 * <p>{@link #launch(MachineSpec)} returns only once QEMU is up and both channels are connected;
 * when that fails it finds out why (did QEMU die? with which exit code and stderr?), cleans up, and
 * throws one {@link MachineLaunchException} (see {@link MachineLaunch}). {@link #close()} always
 * leaves nothing behind: it asks QEMU to {@code quit}, kills it if it doesn't, releases what its
 * {@link QemuBackend} held (a container) and removes the run folder. A JVM killed outright takes
 * its QEMUs with it (see {@link TetheredProcess} and {@link ContainerBackend}).
 */
public final class QemuMachine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QemuMachine.class);
  private static final Duration QUIT_GRACE = Duration.ofSeconds(10);
  static final Duration KILL_GRACE = Duration.ofSeconds(10);
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

  QemuMachine(
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
    Path qmpPath = folder.resolve(MachineLaunch.QMP_SOCKET);
    Path consolePath = folder.resolve(MachineLaunch.CONSOLE_SOCKET);
    List<String> argv =
        QemuCommandLine.argv(spec, qmpPath, consolePath, decision.used(), confinement);
    QemuMachine machine =
        new MachineLaunch(spec, decision, confinement, handover, folder, artifacts, argv).start();
    machine.handoverSerial.set(1);
    LIVE.add(machine);
    return machine;
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
        ForkedQemu.kill(runFolder.resolve(QemuCommandLine.PID_FILE), process.pid(), spec.name());
      }
      runFolder.close();
      LIVE.remove(this);
    }
  }

  static void closeQuietly(AutoCloseable... things) {
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
}
