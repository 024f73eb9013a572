package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.machine.QemuMachine;
import java.util.Optional;

/**
 * The decision when QEMU, not the guest, ended what a cell could see: it died, lost its QMP or
 * console connection, stopped, or a console wait failed while it ran.
 */
final class QemuGone {
  private QemuGone() {}

  /**
   * The decision for a cell whose QEMU is gone as a thing to observe, if it is: it died of a signal
   * (killed from outside: infrastructure, retryable; crashed on its own: a failure of the build
   * under test), or its QMP connection was lost while it still runs (infrastructure: nothing more
   * can be observed). Empty while QMP is connected, or when QEMU exited normally.
   */
  static Optional<Decision> decision(QemuMachine machine) {
    if (machine.console().closedLocally()) {
      return Optional.of(
          new Decision(
              Verdict.INFRASTRUCTURE_ERROR,
              "the harness's console connection was closed on its own side before the verdict:"
                  + " what the guest printed after is lost, and that says nothing about the builds"
                  + " under test; retry it"));
    }
    if (machine.isAlive() && machine.qmp().isConnected()) {
      return Optional.empty();
    }
    // QMP gone: QEMU is dying, maybe not yet reaped
    Optional<Integer> code = machine.awaitExit(java.time.Duration.ofSeconds(10));
    if (code.isEmpty()) {
      return Optional.of(
          new Decision(
              Verdict.INFRASTRUCTURE_ERROR,
              "the QMP connection was lost while QEMU (pid "
                  + machine.pid()
                  + ") still runs: nothing more of the cell can be observed, and it says nothing"
                  + " about the builds under test; retry it\nQEMU stderr:\n"
                  + machine.stderrTail(20)));
    }
    if (machine.qmp().closedLocally()) {
      return Optional.of(
          new Decision(
              Verdict.INFRASTRUCTURE_ERROR,
              "the harness's QMP connection was closed on its own side before the verdict (QEMU"
                  + " then exited "
                  + code.get()
                  + "): the events after it are lost, and that says nothing about the builds"
                  + " under test; retry it"));
    }
    return code.flatMap(QemuDeath::of)
        .map(d -> new Decision(d.verdict(), d.describe(machine.stderrTail(20), machine.pid())));
  }

  /**
   * The decision when a console wait failed: QEMU gone or stopped, a wait that ran out (a timeout,
   * with what the console showed), or a panic where none was expected.
   */
  static Decision afterConsoleFailure(String what, ConsoleException e, QemuMachine machine) {
    Optional<Decision> died = decision(machine);
    if (died.isPresent()) {
      return died.get();
    }
    if (!machine.isAlive()) {
      return new Decision(
          Verdict.INFRASTRUCTURE_ERROR,
          what
              + ": QEMU exited with code "
              + machine.exitCode().map(String::valueOf).orElse("?")
              + "\nQEMU stderr:\n"
              + machine.stderrTail(20)
              + "\n"
              + e.getMessage());
    }
    Optional<String> stopped = StuckCell.qemuStopped(machine);
    if (stopped.isPresent()) {
      return new Decision(
          Verdict.INFRASTRUCTURE_ERROR, what + ": " + stopped.get() + "\n" + e.getMessage());
    }
    Verdict v = Verdict.INFRASTRUCTURE_ERROR;
    String kind = "";
    if (e instanceof dev.pvpanic.harness.console.ConsoleTimeoutException) {
      v = Verdict.TIMEOUT;
      kind = StuckCell.consoleClass(machine.console().sinceLastOutput()) + "\n";
    } else if (e instanceof dev.pvpanic.harness.console.ConsoleFailureException) {
      v = Verdict.UNEXPECTED_PANIC;
    }
    return new Decision(v, what + ": " + kind + e.getMessage());
  }
}
