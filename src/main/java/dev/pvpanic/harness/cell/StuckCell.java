package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.machine.ProcessState;
import dev.pvpanic.harness.machine.QemuMachine;
import java.time.Duration;
import java.util.Optional;

/**
 * What a cell that waited in vain was waiting on, told apart: a QEMU that is stopped (state T in
 * /proc: SIGSTOP or SIGTSTP from outside, an infrastructure fault, not the build under test), a
 * silent guest (no console output for a while: hung or dead without a word, syzkaller's "no
 * output"), or a guest that was still printing when the bound ran out.
 */
final class StuckCell {
  /** A guest quiet this long is called silent. */
  static final Duration SILENT = Duration.ofSeconds(20);

  private StuckCell() {}

  /** Why QEMU cannot have answered: its process is stopped; empty when it is not (or unknown). */
  static Optional<String> qemuStopped(QemuMachine machine) {
    return ProcessState.of(machine.pid())
        .filter(s -> s == 'T' || s == 't')
        .map(
            s ->
                "QEMU ("
                    + machine.processDescription()
                    + ") is stopped (process state "
                    + s
                    + ": SIGSTOP or SIGTSTP from outside), so nothing could come; not the build"
                    + " under test");
  }

  /** The first line of a timeout's message: a silent guest, or one that was still printing. */
  static String consoleClass(Duration sinceLastOutput) {
    return sinceLastOutput.compareTo(SILENT) >= 0
        ? "a silent guest: no console output for the last "
            + DurationText.of(sinceLastOutput)
            + " (hung or dead without a word)"
        : "the guest was still printing ("
            + DurationText.of(sinceLastOutput)
            + " before the bound ran out)";
  }
}
