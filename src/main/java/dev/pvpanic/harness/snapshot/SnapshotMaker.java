package dev.pvpanic.harness.snapshot;

import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.console.CommandResult;
import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.console.ConsoleMatch;
import dev.pvpanic.harness.guest.BootWatch;
import dev.pvpanic.harness.guest.ConsolePatterns;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.guest.GuestProtocolException;
import dev.pvpanic.harness.machine.AcceleratorDecision;
import dev.pvpanic.harness.machine.MachineException;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.QemuActions;
import dev.pvpanic.harness.machine.QemuMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Boots a cell's guest once to READY and its shell prompt, and saves the whole machine into a
 * snapshot folder. The saving QEMU runs with QEMU's default {@code -action}: actions are the
 * restoring QEMU's options, not part of the state.
 */
public final class SnapshotMaker {
  /** The guest's shell prompt (images/guest/init sets PS1). */
  static final Pattern PROMPT = Pattern.compile("~ # ");

  private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SETTLE = Duration.ofMillis(1500);
  private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(120);

  private SnapshotMaker() {}

  /**
   * @param cellSpec the machine of a cell of this key (its name, actions and artifacts folder are
   *     replaced)
   * @param arming a command the guest runs at its prompt before it is saved, the minimal guest's
   *     {@code kexec -p} (the key names it). The capture kernel counts as loaded when it exits 0
   *     and {@code kexec_crash_loaded} reads 1; otherwise the guest is saved as it is, {@code
   *     snapshot.json} says what failed, and each cell runs the command itself, where a refusal is
   *     the kernel's to be judged, not the harness's
   * @throws SnapshotException when the guest does not reach its prompt or the state is not saved
   */
  public static void make(
      MachineSpec cellSpec,
      AcceleratorDecision accelerator,
      SnapshotKey key,
      Path folder,
      Duration bootTimeout,
      Optional<String> arming,
      Duration armTimeout)
      throws IOException {
    MachineSpec source =
        cellSpec.toBuilder()
            .name("snapshot-" + key.shortHash())
            .actions(QemuActions.DEFAULT)
            .incoming(null)
            .artifactsDir(folder)
            .build();
    Instant start = Instant.now();
    try (QemuMachine machine = QemuMachine.launch(source, accelerator)) {
      ConsoleMatch ready =
          BootWatch.awaitReady(machine, ConsolePatterns.PANIC_DURING_BOOT, bootTimeout);
      // Parse now: a snapshot whose READY line the oracle cannot read is of no use.
      GuestProtocol.ReadyLine.parse(ready.line());
      // Let the kernel finish its late boot work (e.g. x86's TSC calibration prints ~1 s after
      // READY): a guest saved mid-way prints those lines into the first command of every cell.
      machine.console().awaitQuiet(SETTLE, PROMPT_TIMEOUT);
      Optional<Arming> armed = arming.map(command -> arm(machine, command, armTimeout));
      // A command that completes proves the shell reads the console; then wait for its prompt, so
      // the saved guest sits idle in the shell's read.
      CommandResult r = machine.console().run("true", PROMPT_TIMEOUT);
      if (r.exitStatus() != 0) {
        throw new SnapshotException("the guest's shell failed to run 'true': " + r);
      }
      machine.console().expect("the shell prompt", PROMPT, null, PROMPT_TIMEOUT);
      Duration boot = Duration.between(start, Instant.now());
      Instant saving = Instant.now();
      Path state = folder.resolve(SnapshotStore.STATE);
      machine.samplePeakMemory();
      machine.saveState(state, SAVE_TIMEOUT);
      Duration save = Duration.between(saving, Instant.now());
      String text = ready.line().substring(ready.groups().start()).strip();
      Json.PRETTY.writeValue(
          folder.resolve(GuestSnapshot.DESCRIPTION).toFile(),
          SnapshotStore.description(
              key,
              text,
              state,
              boot,
              save,
              machine.peakResidentKb().isPresent()
                  ? Optional.of(machine.peakResidentKb().getAsLong())
                  : Optional.empty(),
              armed));
    } catch (ConsoleException | MachineException | GuestProtocolException | BootWatch.Hopeless e) {
      throw new SnapshotException(
          "booting the guest to save " + key + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * What the arming command did: whether the capture kernel is loaded, and in words.
   *
   * @param loaded the command exited 0 and {@code kexec_crash_loaded} read 1
   */
  record Arming(boolean loaded, String outcome) {}

  /** Runs the arming command and reads back whether the kernel holds a capture kernel. */
  private static Arming arm(QemuMachine machine, String command, Duration timeout) {
    CommandResult load = machine.console().run(command, timeout);
    if (load.exitStatus() != 0) {
      return new Arming(false, load.describe());
    }
    CommandResult loaded = machine.console().run("cat /sys/kernel/kexec_crash_loaded", timeout);
    if (loaded.exitStatus() != 0 || !loaded.output().contains("1")) {
      return new Arming(
          false,
          "after '"
              + command
              + "' /sys/kernel/kexec_crash_loaded reads "
              + loaded.output()
              + " (exit "
              + loaded.exitStatus()
              + ")");
    }
    return new Arming(true, "'" + command + "' loaded the capture kernel");
  }

  /** A snapshot could not be made. */
  static final class SnapshotException extends dev.pvpanic.harness.HarnessException {
    private static final long serialVersionUID = 1L;

    SnapshotException(String message) {
      super(message);
    }

    SnapshotException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
