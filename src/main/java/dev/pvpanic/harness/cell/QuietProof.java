package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.qmp.QmpException;
import java.time.Duration;
import java.util.List;

/**
 * One proof that no more QMP events can come after the last expected one. {@link #proofs} lists
 * them strongest first; the collector takes the first that holds, and the last always does.
 */
interface QuietProof {

  /** Whether the proof holds for {@code machine}; a proof may wait, each within its own bound. */
  boolean holds(QemuMachine machine);

  /** What the proof is, for people. */
  String name();

  /**
   * The proofs for a cell, strongest first:
   *
   * <ul>
   *   <li>QEMU exits (an expectation that says so): nothing can follow.
   *   <li>The VM is stopped (paused, guest-panicked): no guest code runs, and QMP sends every event
   *       emitted before a command's reply ahead of that reply, so after {@code query-status}
   *       answers "not running" the log is complete.
   *   <li>A panic that took no capture kernel, or a halt: Linux prints "---[ end Kernel panic"
   *       after every panic notifier (pvpanic's among them) has run, or "System halted" after every
   *       power-off handler failed, then only spins. Once that line is on the console, a {@code
   *       query-status} reply orders every event from before it into the log.
   *   <li>A guest seen booting again after a reboot (a capture kernel's, a watchdog's reset): no
   *       event for the quiet period counted from the last one (the reboot's last RESET), and none
   *       for a fifth of it after the {@code query-status} barrier that follows the banner. The
   *       RESETs of one reboot come milliseconds apart (the benchmark's largest gap inside a burst
   *       is under 50 ms) and all before the banner: the firmware resets before it starts a kernel.
   *       The banner itself comes about a second after the last RESET (firmware, loading and
   *       decompressing the kernel under TCG), so the quiet period has mostly passed by then and is
   *       not waited for again; the fifth after the banner catches a rebooted kernel that resets at
   *       once. A kernel that resets later in its boot is not something any window short of its
   *       whole boot could see.
   *   <li>Otherwise (a power-off that left the guest running, a reboot not watched): no event for
   *       the quiet period counted from now. The events of one burst come milliseconds apart; later
   *       than that a rebooted main kernel is still in firmware or early boot, with no pvpanic
   *       driver yet.
   * </ul>
   *
   * @param exitBound how long QEMU may take to exit when the expectation says it does
   */
  static List<QuietProof> proofs(
      ExpectedOutcome expected, TriggerTimeline timeline, Duration quiet, Duration exitBound) {
    QuietProof exited =
        of(
            "QEMU exited",
            m ->
                expected.finalState() instanceof FinalState.QemuExits
                    && m.awaitExit(exitBound).isPresent());
    QuietProof stopped = of("the VM is stopped", m -> !m.isAlive() || !running(m));
    QuietProof kernelDone =
        of(
            "the guest kernel finished",
            m -> {
              if (expected.captureKernelRuns()
                  || !timeline.awaitKernelDone(quiet.multipliedBy(5))) {
                return false;
              }
              running(m); // the ordering barrier: its reply follows every earlier event
              return true;
            });
    QuietProof rebooted =
        of(
            "seen booting, no event for "
                + quiet.toMillis()
                + " ms since the last one nor "
                + quiet.dividedBy(5).toMillis()
                + " ms after",
            m -> {
              if (!timeline.bootSeenAfterReset()) {
                return false;
              }
              running(m); // the ordering barrier: its reply follows every earlier event
              m.qmp()
                  .events()
                  .awaitQuietSinceLast(quiet, quiet.dividedBy(5), quiet.multipliedBy(5));
              return true;
            });
    QuietProof noEvent =
        of(
            "no event for " + quiet.toMillis() + " ms",
            m -> {
              m.qmp().events().awaitQuiet(quiet, quiet.multipliedBy(5));
              return true;
            });
    return List.of(exited, stopped, kernelDone, rebooted, noEvent);
  }

  /** Whether the guest's CPUs run; false when QEMU no longer answers (it can send nothing). */
  static boolean running(QemuMachine machine) {
    try {
      return machine.qmp().execute("query-status").path("running").asBoolean(false);
    } catch (QmpException e) {
      return false;
    }
  }

  private static QuietProof of(String name, java.util.function.Predicate<QemuMachine> test) {
    return new QuietProof() {
      @Override
      public boolean holds(QemuMachine machine) {
        return test.test(machine);
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}
