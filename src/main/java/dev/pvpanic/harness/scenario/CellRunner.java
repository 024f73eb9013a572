package dev.pvpanic.harness.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.console.ConsoleMatch;
import dev.pvpanic.harness.console.SerialConsole;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.AcceleratorSelector;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.LocalProcessBackend;
import dev.pvpanic.harness.machine.MachineException;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuFingerprint;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.BuildCapabilities;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.Applicability;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.GuestReport;
import dev.pvpanic.harness.oracle.Oracle;
import dev.pvpanic.harness.oracle.PostNotifiers;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.qmp.EventLog;
import dev.pvpanic.harness.qmp.QmpEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs one cell end to end: boot to READY, arm kdump and the notifiers, trigger, collect the QMP
 * events until the expected sequence is complete (plus a quiet period proving nothing more comes)
 * or QEMU exits, read the final state, and compare with what the oracle predicts from the rules.
 *
 * <p>Every wait is bounded; the machine is closed in {@code finally} whatever happens.
 */
public final class CellRunner {
  /** Console text that proves the trigger took effect, whatever QMP says. */
  static final Pattern TRIGGER_TOOK_EFFECT =
      Pattern.compile(
          "Kernel panic - not syncing|sysrq: Trigger a crash|reboot: Power down|System halted"
              + "|PVH VMCORE|Starting crashdump kernel|reboot: Restarting system");

  static final Pattern PANIC_DURING_BOOT = Pattern.compile("Kernel panic - not syncing");
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Bound for loading a snapshot and for the guest to run again after it. */
  private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);

  private final CellOptions options;
  private final SnapshotStore snapshots;

  /** A runner whose snapshots live in the usual cache folder. */
  public CellRunner(CellOptions options) {
    this(options, SnapshotStore.atDefaultLocation());
  }

  public CellRunner(CellOptions options, SnapshotStore snapshots) {
    this.options = options;
    this.snapshots = snapshots;
  }

  /** The machine a cell runs on (a snapshot restore adds only {@code incoming}). */
  public static MachineSpec machineSpec(
      Cell cell, GuestImage image, QemuBuild qemu, String cmdline, Path artifacts) {
    return MachineSpec.builder(image.arch())
        .name(shortName(cell))
        .qemu(qemu)
        .accelerator(cell.accelerator())
        .kernel(image.kernel())
        .initrd(image.initrd())
        .append(cmdline)
        .pvpanic(cell.device())
        .actions(cell.actions())
        .machineType(cell.machineType().orElse(null))
        .extraArgs(cell.qemuArgs())
        .artifactsDir(artifacts)
        .build();
  }

  /**
   * The key of the snapshot a cell restores: cells with equal keys share one.
   *
   * @throws MachineException when the QEMU build cannot be identified
   */
  public static SnapshotKey snapshotKey(Cell cell, GuestImage image, QemuBuild qemu) {
    MachineSpec spec = machineSpec(cell, image, qemu, kernelCmdline(cell, image), null);
    return snapshotKey(spec, image);
  }

  private static SnapshotKey snapshotKey(MachineSpec spec, GuestImage image) {
    return SnapshotKey.of(
        spec, AcceleratorSelector.decide(spec).used(), image.id(), QemuFingerprint.of(spec.qemu()));
  }

  /**
   * Finds or makes the snapshot a cell would restore, without running the cell: to make snapshots
   * ahead of a run, several at once.
   */
  public SnapshotStore.Lookup prepareSnapshot(Cell cell, GuestImage image, QemuBuild qemu) {
    MachineSpec spec = machineSpec(cell, image, qemu, kernelCmdline(cell, image), null);
    try {
      return findOrMakeSnapshot(cell, spec, snapshotKey(spec, image));
    } catch (MachineException e) {
      return new SnapshotStore.Unusable("no snapshot key: " + e.getMessage());
    }
  }

  private SnapshotStore.Lookup findOrMakeSnapshot(Cell cell, MachineSpec spec, SnapshotKey key) {
    return snapshots.findOrMake(
        key,
        folder -> {
          progress(cell, "booting once to save " + key);
          SnapshotMaker.make(
              spec, AcceleratorSelector.decide(spec), key, folder, options.bootTimeout());
        });
  }

  /** The main kernel's command line for a cell. */
  public static String kernelCmdline(Cell cell, GuestImage image) {
    StringBuilder sb = new StringBuilder(image.recipe().cmdline());
    if (cell.postNotifiers() == PostNotifiers.CMDLINE) {
      sb.append(" crash_kexec_post_notifiers");
    }
    if (cell.acpiOff()) {
      sb.append(" acpi=off");
    }
    if (!cell.kernelArgs().isEmpty()) {
      sb.append(' ').append(cell.kernelArgs());
    }
    return sb.toString();
  }

  /**
   * The capture kernel's command line: the main one less crashkernel and notifiers, plus kdump's
   * usual.
   */
  public static String captureCmdline(String main) {
    String base =
        main.replaceAll("(^|\\s)(crashkernel=\\S+|crash_kexec_post_notifiers\\S*)", " ")
            .replaceAll("\\s+", " ")
            .strip();
    return base + " irqpoll nr_cpus=1 reset_devices";
  }

  /** The kexec command that loads the capture kernel. */
  public static String kexecCommand(Architecture arch, String captureCmdline) {
    // arm64 has no kexec_file_load (-s fails); -i skips checksums, 30+ s faster under TCG.
    String mode = arch == Architecture.AARCH64 ? "-i" : "-s";
    return "kexec -p "
        + mode
        + " /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append=\""
        + captureCmdline
        + "\"";
  }

  /**
   * The result of a cell that never reached a guest (skipped because it cannot run here, or its
   * image could not be built), written to cell.json like any other so reports show it.
   */
  public static CellResult notRun(Cell cell, Verdict verdict, String message, Path artifacts) {
    return new CellRun(cell, null, artifacts).finish(verdict, message, new Phases(), Instant.now());
  }

  public CellResult run(Cell cell, GuestImage image, QemuBuild qemu, Path artifacts) {
    Instant start = Instant.now();
    Phases phases = new Phases();
    CellRun run = new CellRun(cell, image, artifacts);
    run.qemuBuild = qemu.label();
    try {
      Files.createDirectories(artifacts);
      copyManifest(image, artifacts);
      String cmdline = kernelCmdline(cell, image);
      Files.writeString(artifacts.resolve("kernel-cmdline.txt"), cmdline + "\n");
      MachineSpec base = machineSpec(cell, image, qemu, cmdline, artifacts);
      List<String> extra = new ArrayList<>(base.extraArgs());
      extra.addAll(options.hooks().extraQemuArgs());
      MachineSpec spec = base.toBuilder().extraArgs(extra).build();
      Optional<GuestSnapshot> snapshot = snapshotFor(run, spec, phases);
      phases.mark("prepare");
      QemuMachine machine = null;
      if (snapshot.isPresent()) {
        machine = restore(run, spec, snapshot.get(), phases);
      }
      if (machine == null) {
        progress(cell, "starting QEMU");
        try {
          machine = QemuMachine.launch(spec);
        } catch (MachineException | IllegalArgumentException e) {
          return run.infrastructure("QEMU did not start", e, phases, start);
        }
        phases.mark("start");
      }
      CellResult driven;
      try (QemuMachine m = machine) {
        options.hooks().launched(m);
        driven = drive(run, m, cmdline, phases, start);
        options.hooks().beforeClose(driven, m);
      } catch (RuntimeException e) {
        // QEMU vanished mid-command, a guest line that breaks the protocol, ...: never a pass.
        driven = run.infrastructure("the cell could not be run to its end", e, phases, start);
      }
      run.qemuPeakKb = machine.peakResidentKb();
      // Once more after QEMU is gone, so the result and cell.json include the teardown.
      phases.mark("teardown");
      return run.finish(driven.verdict(), driven.message(), phases, start);
    } catch (IOException e) {
      return run.infrastructure("cannot write artifacts", e, phases, start);
    }
  }

  /**
   * The snapshot this cell restores, made now if this is the first cell of its key; empty (and the
   * reason in {@code run.cellStart}) when the cell boots cold.
   */
  private Optional<GuestSnapshot> snapshotFor(CellRun run, MachineSpec spec, Phases phases) {
    if (options.cold()) {
      run.cellStart = CellStart.cold("cold boots asked for (-Dpvh.cold=true / --cold)");
      return Optional.empty();
    }
    if (!(spec.qemu().backend() instanceof LocalProcessBackend)) {
      run.cellStart =
          CellStart.cold(
              "QEMU runs through "
                  + spec.qemu().backend().describe()
                  + ": it cannot read a state"
                  + " file saved on the host");
      return Optional.empty();
    }
    if (!options.hooks().extraQemuArgs().isEmpty()) {
      run.cellStart = CellStart.cold("the caller adds QEMU arguments (e.g. --keep's own monitor)");
      return Optional.empty();
    }
    SnapshotStore.Lookup found;
    try {
      found = findOrMakeSnapshot(run.cell, spec, snapshotKey(spec, run.image));
    } catch (MachineException e) {
      found = new SnapshotStore.Unusable("no snapshot key: " + e.getMessage());
    }
    if (found instanceof SnapshotStore.Restorable r) {
      if (r.made() || r.waited()) {
        phases.mark("snapshot");
      }
      return Optional.of(r.snapshot());
    }
    String reason = ((SnapshotStore.Unusable) found).reason();
    progress(run.cell, "booting cold: " + reason);
    run.cellStart = CellStart.cold(reason);
    return Optional.empty();
  }

  /**
   * Starts QEMU from the snapshot and lets the guest run again. Returns null when that fails: the
   * snapshot is then dropped for this run and the cell boots cold, saying why.
   */
  private QemuMachine restore(
      CellRun run, MachineSpec spec, GuestSnapshot snapshot, Phases phases) {
    progress(run.cell, "restoring snapshot " + snapshot.shortKey());
    QemuMachine machine = null;
    try {
      copySnapshotFacts(snapshot, run.artifacts);
      machine = QemuMachine.launch(spec.toBuilder().incoming(snapshot.state()).build());
      phases.mark("start");
      String status = machine.awaitIncoming(RESTORE_TIMEOUT);
      EventLog log = machine.qmp().events();
      if (!status.equals("running")) {
        machine.qmp().execute("cont");
      }
      // Only events after the guest runs again are the cell's: the restore's RESUME is not.
      QmpEvent resumed = log.await("RESUME", 0, RESTORE_TIMEOUT);
      run.eventsFrom = (int) resumed.index() + 1;
      // The guest was saved idle at its prompt; a newline gets a fresh one.
      machine.console().send("");
      phases.mark("restore");
      run.guest = Optional.of(snapshot.ready());
      run.cellStart = CellStart.snapshot(snapshot.key());
      return machine;
    } catch (RuntimeException | IOException e) {
      // whatever went wrong, this QEMU must not outlive the attempt
      if (machine != null) {
        machine.close();
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      snapshots.markUnusable(snapshot, why);
      run.cellStart =
          CellStart.cold("restoring snapshot " + snapshot.shortKey() + " failed: " + why);
      progress(run.cell, "booting cold: " + run.cellStart.reason().orElse(""));
      phases.mark("fallback");
      return null;
    }
  }

  /** The snapshot's description and boot console go with the cell, for people reproducing it. */
  private static void copySnapshotFacts(GuestSnapshot snapshot, Path artifacts) throws IOException {
    Files.copy(
        snapshot.description(),
        artifacts.resolve("snapshot.json"),
        StandardCopyOption.REPLACE_EXISTING);
    if (Files.exists(snapshot.bootConsole())) {
      Files.copy(
          snapshot.bootConsole(),
          artifacts.resolve("snapshot-console.log"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private CellResult drive(
      CellRun run, QemuMachine machine, String cmdline, Phases phases, Instant start) {
    Cell cell = run.cell;
    SerialConsole console = machine.console();
    QemuCapabilities caps =
        BuildCapabilities.of(machine.spec().qemu(), run.image.arch(), machine.qmp().version());
    run.qemuVersion = machine.qmp().version().toString();
    run.accelerator = machine.accelerator().toString();
    CellSetup setup = cell.setup(run.image.arch());
    Applicability applicability = Oracle.applicability(setup, caps);
    if (applicability instanceof Applicability.NotApplicable na) {
      return run.finish(Verdict.NOT_APPLICABLE, na.reason(), phases, start);
    }

    GuestProtocol.ReadyLine ready;
    if (run.cellStart.restored() && run.guest.isPresent()) {
      // Restored: the READY line was read when the snapshot was made.
      ready = run.guest.get();
    } else {
      progress(cell, "booting " + run.image.recipe().name());
      try {
        ConsoleMatch m =
            console.expectLine(
                "the guest's READY line",
                GuestProtocol.READY_PATTERN,
                PANIC_DURING_BOOT,
                options.bootTimeout());
        ready = GuestProtocol.ReadyLine.parse(m.line());
      } catch (ConsoleException e) {
        return run.timeoutOrInfra("the guest did not reach READY", e, machine, phases, start);
      }
      run.guest = Optional.of(ready);
      phases.mark("boot");
    }

    GuestReport report = ready.report();
    ExpectedOutcome expected =
        options.expectation().apply(Oracle.expect(setup, run.image.facts(), caps, report));
    run.expected = Optional.of(expected);
    run.write("expected.txt", expected.describe());

    if (cell.kdump()) {
      progress(cell, "loading the capture kernel");
    }
    try {
      report =
          report.withArmed(
              new GuestArming(console, options.armTimeout()).arm(cell, run.image.arch(), cmdline));
    } catch (ConsoleException e) {
      return run.timeoutOrInfra("arming the guest failed", e, machine, phases, start);
    }
    phases.mark("arm");

    String trigger =
        options
            .trigger()
            .orElse(
                cell.trigger() == Trigger.POWEROFF
                    ? "poweroff -f"
                    : "echo c > /proc/sysrq-trigger");
    progress(cell, "trigger: " + trigger);
    machine.samplePeakMemory();
    console.moveCursorToEnd();
    TriggerTimeline timeline = TriggerTimeline.watch(machine);
    console.send(trigger);
    EventCollector.Collected collected =
        new EventCollector(machine, expected, timeline, options).collect(run.eventsFrom, phases);
    machine.samplePeakMemory();
    CellResult judged = CellJudge.judge(run, machine, expected, report, collected, phases, start);
    phases.mark("judge");
    return judged;
  }

  private static void copyManifest(GuestImage image, Path artifacts) throws IOException {
    if (Files.exists(image.manifest())) {
      Files.copy(
          image.manifest(),
          artifacts.resolve("image-manifest.json"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void progress(Cell cell, String what) {
    options.progress().accept(cell.displayName() + ": " + what);
  }

  private static String shortName(Cell cell) {
    String n = cell.name().orElse(cell.recipe());
    n = n.replaceAll("[^A-Za-z0-9._-]", "-");
    return n.length() > 64 ? n.substring(0, 64) : n;
  }
}
