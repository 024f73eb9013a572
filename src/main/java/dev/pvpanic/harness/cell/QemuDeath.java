package dev.pvpanic.harness.cell;

import java.util.Map;
import java.util.Optional;

/**
 * How a QEMU that died by a signal died, from its exit status (a process killed by signal N reports
 * 128 + N). Killed from outside (SIGKILL, SIGTERM, ...: the OOM killer, an operator, a CI job's
 * timeout) says nothing about the build under test and is worth a retry; crashed on its own
 * (SIGSEGV, SIGABRT from an assertion, ...) is a failure of that build.
 *
 * @param signal the signal's number
 * @param name the signal's name, e.g. {@code SIGKILL}
 * @param crashed true for a crash of QEMU itself, false for a kill from outside
 */
record QemuDeath(int signal, String name, boolean crashed) {

  private static final Map<Integer, String> FROM_OUTSIDE =
      Map.of(1, "SIGHUP", 2, "SIGINT", 9, "SIGKILL", 15, "SIGTERM");
  private static final Map<Integer, String> CRASHES =
      Map.of(4, "SIGILL", 5, "SIGTRAP", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE", 11, "SIGSEGV");

  /** The death an exit status tells of; empty for a normal exit (or a signal neither list has). */
  static Optional<QemuDeath> of(int exitStatus) {
    if (exitStatus <= 128 || exitStatus > 128 + 64) {
      return Optional.empty();
    }
    int signal = exitStatus - 128;
    if (CRASHES.containsKey(signal)) {
      return Optional.of(new QemuDeath(signal, CRASHES.get(signal), true));
    }
    if (FROM_OUTSIDE.containsKey(signal)) {
      return Optional.of(new QemuDeath(signal, FROM_OUTSIDE.get(signal), false));
    }
    return Optional.empty();
  }

  /** The verdict and the message for a cell whose QEMU died so, with QEMU's last words. */
  Verdict verdict() {
    return crashed ? Verdict.QEMU_CRASHED : Verdict.INFRASTRUCTURE_ERROR;
  }

  String describe(String stderrTail, long pid) {
    String how =
        crashed
            ? "QEMU crashed: it died of signal "
                + signal
                + " ("
                + name
                + ") on its own, a failure of the QEMU build under test; "
                + DeathEvidence.coreDump(pid)
            : "QEMU was killed by signal "
                + signal
                + " ("
                + name
                + ") from outside the harness (the OOM killer, an operator, a CI job's timeout):"
                + " the cell says nothing about the builds under test; retry it"
                + (signal == 9
                    ? DeathEvidence.oomKilled(pid).map(n -> " (" + n + ")").orElse("")
                    : "");
    return how + "\nQEMU stderr:\n" + (stderrTail.isBlank() ? "  (empty)" : stderrTail);
  }
}
