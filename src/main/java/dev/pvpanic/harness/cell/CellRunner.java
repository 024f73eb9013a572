package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.console.ConsoleMatch;
import dev.pvpanic.harness.console.SerialConsole;
import dev.pvpanic.harness.guest.BootWatch;
import dev.pvpanic.harness.guest.ConsolePatterns;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.BuildCapabilities;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.Applicability;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.GuestReport;
import dev.pvpanic.harness.oracle.Oracle;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import dev.pvpanic.harness.oracle.TriggerAction;
import dev.pvpanic.harness.snapshot.SnapshotKey;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one cell end to end: boot to READY, arm kdump and the notifiers, trigger, collect the QMP
 * events until the expected sequence is complete (plus a quiet period proving nothing more comes)
 * or QEMU exits, read the final state, and compare with what the oracle predicts from the rules.
 *
 * <p>Every wait is bounded; the machine is closed in {@code finally} whatever happens.
 */
public final class CellRunner {
  private final CellOptions options;
  private final CellStarter starter;

  public CellRunner(CellOptions options, SnapshotStore snapshots) {
    this.options = options;
    this.starter = new CellStarter(options, snapshots);
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
      if (Oracle.applicability(cell.setup(image.arch()), image.facts())
          instanceof Applicability.NotApplicable na) {
        return run.finish(Verdict.NOT_APPLICABLE, na.reason(), phases, start);
      }
      Planned planned = plan(cell, image, qemu, artifacts);
      Optional<String> refused =
          CellMachine.systemProblem(
              cell, image.system().map(GuestImage.SystemDisk::facts), planned.spec().memoryMb());
      if (refused.isPresent()) {
        return run.finish(Verdict.NOT_APPLICABLE, refused.get(), phases, start);
      }
      CellStarter.Started started;
      try {
        started = starter.start(cell, image, artifacts, planned.spec(), phases);
      } catch (CellStarter.StartFailed e) {
        run.cellStart = e.how;
        return run.infrastructure("QEMU did not start", e.getCause(), phases, start);
      }
      run.cellStart = started.how();
      run.confinedAs(started.machine());
      CellResult driven;
      try (QemuMachine m = started.machine()) {
        options.hooks().launched(m);
        driven = drive(run, started, planned.cmdline(), phases, start);
        options.hooks().beforeClose(driven, m);
      } catch (RuntimeException e) {
        // QEMU vanished mid-command, a guest line that breaks the protocol, ...: never a pass.
        driven = run.infrastructure("the cell could not be run to its end", e, phases, start);
      }
      run.qemuPeakKb = started.machine().peakResidentKb();
      // Once more after QEMU is gone, so the result and cell.json include the teardown.
      phases.mark("teardown");
      return run.finish(driven.verdict(), driven.message(), phases, start);
    } catch (IOException e) {
      return run.infrastructure("cannot write artifacts", e, phases, start);
    }
  }

  /** The cell's kernel command line and machine, known before any QEMU starts. */
  private record Planned(String cmdline, MachineSpec spec) {}

  private Planned plan(Cell cell, GuestImage image, QemuBuild qemu, Path artifacts)
      throws IOException {
    String cmdline = CellMachine.kernelCmdline(cell, image);
    Files.writeString(artifacts.resolve(CellArtifacts.KERNEL_CMDLINE), cmdline + "\n");
    MachineSpec base =
        CellMachine.machineSpec(cell, image, qemu, options.accelerator(), cmdline, artifacts);
    List<String> extra = new ArrayList<>(base.extraArgs());
    extra.addAll(options.hooks().extraQemuArgs());
    return new Planned(cmdline, base.toBuilder().extraArgs(extra).build());
  }

  /**
   * Finds or makes the snapshot a cell would restore, without running the cell: to make snapshots
   * ahead of a run, several at once.
   */
  public SnapshotStore.Lookup prepareSnapshot(Cell cell, GuestImage image, QemuBuild qemu) {
    return starter.prepareSnapshot(cell, image, qemu);
  }

  /**
   * A cell ended before its last phase: the phase that found out says why. Only {@link #drive}
   * catches it.
   */
  private static final class Ended extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Decision decision;

    Ended(Decision decision) {
      super(decision.message(), null, false, false);
      this.decision = decision;
    }
  }

  /**
   * The cell's phases once its machine is up, each taking what the earlier ones returned: the
   * build's capabilities, READY (booted, or restored with the line read when the snapshot was
   * made), the expectation, arming, the trigger, the events, the judgement, and the after-action.
   */
  /** The key of the snapshot a cell would restore with this runner's options. */
  public SnapshotKey snapshotKey(Cell cell, GuestImage image, QemuBuild qemu) {
    return CellMachine.snapshotKey(cell, image, qemu, options.accelerator());
  }

  private CellResult drive(
      CellRun run, CellStarter.Started started, String cmdline, Phases phases, Instant start) {
    QemuMachine machine = started.machine();
    Cell cell = run.cell;
    QemuCapabilities caps =
        BuildCapabilities.of(machine.spec().qemu(), run.image.arch(), machine.qmp().version());
    run.qemuVersion = machine.qmp().version().toString();
    run.accelerator = machine.accelerator().toString();
    CellSetup setup = cell.setup(run.image.arch());
    if (Oracle.applicability(setup, caps) instanceof Applicability.NotApplicable na) {
      return run.finish(Verdict.NOT_APPLICABLE, na.reason(), phases, start);
    }
    try {
      GuestProtocol.ReadyLine ready = ready(run, started, phases);
      run.guest = Optional.of(ready);
      ExpectedOutcome expected =
          options
              .expectation()
              .apply(Oracle.expect(setup, run.image.facts(), caps, ready.report()));
      run.expected = Optional.of(expected);
      run.write(CellArtifacts.EXPECTED, expected.describe());
      GuestReport report =
          arm(run, machine, ready.report(), cmdline, started.captureLoaded(), phases);
      EventCollector.Collected collected = pullAndCollect(cell, machine, expected, started, phases);
      CellJudge.Judgement judged =
          CellJudge.judge(cell, started.eventsFrom(), machine, expected, report, collected);
      judged.observation().ifPresent(seen -> run.observed(seen));
      CellResult result = run.finish(judged.decision(), phases, start);
      phases.mark("judge");
      return after(run, machine, expected, result, phases, start);
    } catch (Ended e) {
      return run.finish(e.decision, phases, start);
    }
  }

  /** READY: the restored guest's line, or the guest booted to it. */
  private GuestProtocol.ReadyLine ready(CellRun run, CellStarter.Started started, Phases phases) {
    if (started.how().restored() && started.restoredReady().isPresent()) {
      return started.restoredReady().get();
    }
    QemuMachine machine = started.machine();
    progress(run.cell, "booting " + run.image.recipe().name());
    try {
      ConsoleMatch m =
          BootWatch.awaitReady(machine, ConsolePatterns.PANIC_DURING_BOOT, options.bootTimeout());
      phases.mark("boot");
      return GuestProtocol.ReadyLine.parse(m.line());
    } catch (BootWatch.Hopeless h) {
      throw new Ended(
          new Decision(
              Verdict.WRONG_GUEST_STATE,
              "the guest did not reach READY: "
                  + h.getMessage()
                  + "\nconsole tail:\n  "
                  + String.join("\n  ", machine.console().tail(30))));
    } catch (ConsoleException e) {
      run.failure = e;
      throw new Ended(QemuGone.afterConsoleFailure("the guest did not reach READY", e, machine));
    }
  }

  /** Arms kdump, the notifiers and the trigger's needs; the report then holds what it read back. */
  private GuestReport arm(
      CellRun run,
      QemuMachine machine,
      GuestReport report,
      String cmdline,
      boolean loadedBySnapshot,
      Phases phases) {
    Cell cell = run.cell;
    if (cell.kdump()) {
      progress(
          cell,
          run.image.system().isPresent()
              ? "reading back the capture kernel kdump-tools loaded at boot"
              : loadedBySnapshot
                  ? "reading back the capture kernel the snapshot's guest loaded"
                  : "loading the capture kernel");
    }
    GuestArming arming = new GuestArming(machine.console(), options.armTimeout());
    GuestReport armed;
    try {
      armed =
          report.withArmed(
              arming.arm(
                  cell, run.image.arch(), run.image.facts().config(), cmdline, loadedBySnapshot));
    } catch (ConsoleException e) {
      run.failure = e;
      throw new Ended(QemuGone.afterConsoleFailure("arming the guest failed", e, machine));
    }
    phases.mark("arm");
    if (arming.unprepared().isPresent()) {
      throw new Ended(
          new Decision(
              Verdict.WRONG_GUEST_STATE,
              "the guest could not be prepared for trigger "
                  + cell.trigger().id()
                  + ": "
                  + arming.unprepared().get()
                  + "\nconsole tail:\n  "
                  + String.join("\n  ", machine.console().tail(20))));
    }
    return armed;
  }

  /** Pulls the trigger (or the caller's own command) and collects the events that follow. */
  private EventCollector.Collected pullAndCollect(
      Cell cell,
      QemuMachine machine,
      ExpectedOutcome expected,
      CellStarter.Started started,
      Phases phases) {
    SerialConsole console = machine.console();
    String trigger = options.trigger().orElse(cell.trigger().action().describe());
    progress(cell, "trigger: " + trigger);
    machine.samplePeakMemory();
    console.moveCursorToEnd();
    TriggerTimeline timeline = TriggerTimeline.watch(machine);
    if (options.trigger().isPresent()) {
      console.send(trigger);
    } else {
      pull(cell.trigger().action(), machine, console);
    }
    EventCollector.Collected collected =
        new EventCollector(
                machine,
                expected,
                timeline,
                options,
                options.trigger().isPresent() ? Optional.empty() : Optional.of(cell.trigger()))
            .collect(started.eventsFrom(), phases);
    machine.samplePeakMemory();
    return collected;
  }

  /** After a pass: the memory dump or the recovery the cell asks for. */
  private CellResult after(
      CellRun run,
      QemuMachine machine,
      ExpectedOutcome expected,
      CellResult judged,
      Phases phases,
      Instant start) {
    if (judged.verdict() != Verdict.PASS) {
      return judged;
    }
    CellResult result = judged;
    for (AfterAction action : AfterActions.forCell(run, run.cell.get(Axis.AFTER))) {
      progress(run.cell, action.doing());
      result =
          action.run(new AfterAction.After(run, machine, expected, result, options, phases, start));
      if (result.verdict() != Verdict.PASS) {
        return result;
      }
    }
    return result;
  }

  /** Pulls the trigger: typed on the console, a serial BREAK and a key, or sent through QMP. */
  private static void pull(TriggerAction action, QemuMachine machine, SerialConsole console) {
    if (action instanceof TriggerAction.Typed t) {
      console.send(TriggerExit.typed(t.command()));
    } else if (action instanceof TriggerAction.SerialBreak b) {
      machine.qmp().execute("chardev-send-break", Map.of("id", "console"));
      console.sendRaw(String.valueOf(b.key()).getBytes(StandardCharsets.US_ASCII));
    } else if (action instanceof TriggerAction.Qmp q) {
      machine.qmp().execute(q.command());
    }
  }

  private static void copyManifest(GuestImage image, Path artifacts) throws IOException {
    if (Files.exists(image.manifest())) {
      Files.copy(
          image.manifest(),
          artifacts.resolve(CellArtifacts.IMAGE_MANIFEST),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void progress(Cell cell, String what) {
    options.progress().accept(cell.displayName() + ": " + what);
  }
}
