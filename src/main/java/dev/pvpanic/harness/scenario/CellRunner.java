package dev.pvpanic.harness.scenario;

import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.console.ConsoleMatch;
import dev.pvpanic.harness.console.SerialConsole;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.MachineException;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.BuildCapabilities;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.Applicability;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.GuestReport;
import dev.pvpanic.harness.oracle.Oracle;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import dev.pvpanic.harness.oracle.Recovery;
import dev.pvpanic.harness.oracle.Trigger;
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

  /** A runner whose snapshots live in the usual cache folder. */
  public CellRunner(CellOptions options) {
    this(options, SnapshotStore.atDefaultLocation());
  }

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
      String cmdline = CellMachine.kernelCmdline(cell, image);
      Files.writeString(artifacts.resolve(CellArtifacts.KERNEL_CMDLINE), cmdline + "\n");
      MachineSpec base = CellMachine.machineSpec(cell, image, qemu, cmdline, artifacts);
      List<String> extra = new ArrayList<>(base.extraArgs());
      extra.addAll(options.hooks().extraQemuArgs());
      MachineSpec spec = base.toBuilder().extraArgs(extra).build();
      QemuMachine machine;
      try {
        machine = starter.start(run, spec, phases);
      } catch (MachineException | IllegalArgumentException e) {
        return run.infrastructure("QEMU did not start", e, phases, start);
      }
      run.confinedAs(machine);
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
   * Finds or makes the snapshot a cell would restore, without running the cell: to make snapshots
   * ahead of a run, several at once.
   */
  public SnapshotStore.Lookup prepareSnapshot(Cell cell, GuestImage image, QemuBuild qemu) {
    return starter.prepareSnapshot(cell, image, qemu);
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
            BootWatch.awaitReady(machine, ConsolePatterns.PANIC_DURING_BOOT, options.bootTimeout());
        ready = GuestProtocol.ReadyLine.parse(m.line());
      } catch (BootWatch.Hopeless h) {
        return run.finish(
            Verdict.WRONG_GUEST_STATE,
            "the guest did not reach READY: "
                + h.getMessage()
                + "\nconsole tail:\n  "
                + String.join("\n  ", console.tail(30)),
            phases,
            start);
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
    run.write(CellArtifacts.EXPECTED, expected.describe());

    if (cell.kdump()) {
      progress(cell, "loading the capture kernel");
    }
    GuestArming arming = new GuestArming(console, options.armTimeout());
    try {
      report = report.withArmed(arming.arm(cell, run.image.arch(), cmdline));
    } catch (ConsoleException e) {
      return run.timeoutOrInfra("arming the guest failed", e, machine, phases, start);
    }
    phases.mark("arm");
    if (arming.unprepared().isPresent()) {
      return run.finish(
          Verdict.WRONG_GUEST_STATE,
          "the guest could not be prepared for trigger "
              + cell.trigger().id()
              + ": "
              + arming.unprepared().get()
              + "\nconsole tail:\n  "
              + String.join("\n  ", console.tail(20)),
          phases,
          start);
    }

    String trigger = options.trigger().orElse(triggerCommand(cell.trigger()));
    progress(cell, "trigger: " + trigger);
    machine.samplePeakMemory();
    console.moveCursorToEnd();
    TriggerTimeline timeline = TriggerTimeline.watch(machine);
    if (options.trigger().isPresent()) {
      console.send(trigger);
    } else {
      pull(cell.trigger(), machine, console);
    }
    EventCollector.Collected collected =
        new EventCollector(
                machine,
                expected,
                timeline,
                options,
                options.trigger().isPresent() ? Optional.empty() : Optional.of(cell.trigger()))
            .collect(run.eventsFrom, phases);
    machine.samplePeakMemory();
    CellResult judged = CellJudge.judge(run, machine, expected, report, collected, phases, start);
    phases.mark("judge");
    if (judged.verdict() == Verdict.PASS && cell.dumps()) {
      if (Recovery.impossible(expected.finalState()).isPresent()) {
        return run.finish(
            Verdict.NOT_APPLICABLE,
            "after: dump needs QEMU up after the panic, but the rules say it exits; use panic:"
                + " pause or none",
            phases,
            start);
      }
      progress(cell, "dump: registers, dump-guest-memory (elf, kdump-zlib)");
      return PanicDump.dump(run, machine, judged, options.hooks(), phases, start);
    }
    if (judged.verdict() == Verdict.PASS && cell.recovers()) {
      progress(cell, "recovery: system_reset, cont");
      return GuestRecovery.recover(
          run, machine, expected.finalState(), judged, options, phases, start);
    }
    return judged;
  }

  /** What a trigger does, as a person would do it (the progress line and the record say this). */
  static String triggerCommand(Trigger t) {
    return switch (t) {
      case SYSRQ_C -> "echo c > /proc/sysrq-trigger";
      case SYSRQ_BREAK -> "QMP chardev-send-break {id: console}, then 'c' on the serial line";
      case NMI -> "QMP inject-nmi";
      case POWEROFF -> "poweroff -f";
      case WATCHDOG -> WATCHDOG_UNFED;
      case OOPS, OOPS_NO_PANIC -> "insmod " + GuestArming.OOPS_MODULE;
    };
  }

  /**
   * Opens /dev/watchdog (which starts the i6300esb), pings it once and closes it without the magic
   * 'V': the watchdog core logs "watchdog did not stop!" and leaves it running, and nothing feeds
   * it again (drivers/watchdog/watchdog_dev.c watchdog_release).
   */
  static final String WATCHDOG_UNFED = "echo 1 > /dev/watchdog";

  /** Pulls the trigger: typed on the console, or sent through QMP. */
  private static void pull(Trigger t, QemuMachine machine, SerialConsole console) {
    switch (t) {
      case SYSRQ_C, POWEROFF -> console.send(TriggerExit.typed(triggerCommand(t)));
      case SYSRQ_BREAK -> {
        machine.qmp().execute("chardev-send-break", Map.of("id", "console"));
        console.sendRaw("c".getBytes(StandardCharsets.US_ASCII));
      }
      case NMI -> machine.qmp().execute("inject-nmi");
      case WATCHDOG, OOPS, OOPS_NO_PANIC -> console.send(TriggerExit.typed(triggerCommand(t)));
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
