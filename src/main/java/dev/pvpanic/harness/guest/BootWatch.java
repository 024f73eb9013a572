package dev.pvpanic.harness.guest;

import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.console.ConsoleMatch;
import dev.pvpanic.harness.console.ConsoleTimeoutException;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.qmp.QmpException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Waits for the guest's READY line in slices, and between them looks for what the harness can see
 * that means READY will never come, so a cell says why in seconds instead of waiting out its bound
 * as "a silent guest": a reset loop (more RESETs than any reboot gives, see {@link RebootWatch}), a
 * VM that has not run since it started (paused, or waiting in prelaunch as {@code -S} leaves it),
 * or a console gone quiet after the kernel handed over to init (init writes elsewhere, or hangs).
 */
public final class BootWatch {
  private static final Duration SLICE = Duration.ofSeconds(1);

  /** More RESETs than a reboot gives on any architecture ({@code QemuRules.rebootResets}). */
  static final int LOOP_RESETS = dev.pvpanic.harness.oracle.Oracle.MOST_RESETS_PER_REBOOT;

  /** How long a console may be quiet after "Run /init" before init is taken to write elsewhere. */
  static final Duration QUIET_AFTER_INIT = Duration.ofSeconds(15);

  /** How long a VM may stay stopped since its start before that is taken as its state. */
  static final Duration NOT_RUNNING = Duration.ofSeconds(3);

  private static final Pattern INIT_HANDOVER = Pattern.compile("Run \\S+ as init process");

  /** READY will not come, and why. */
  public static final class Hopeless extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Hopeless(String why) {
      super(why, null, false, false);
    }
  }

  private BootWatch() {}

  /**
   * The READY line, within {@code bound}.
   *
   * @throws Hopeless when the guest can be seen never to get there
   * @throws ConsoleTimeoutException when the bound ran out (with the whole bound in its message)
   */
  public static ConsoleMatch awaitReady(QemuMachine machine, Pattern failure, Duration bound) {
    Instant start = Instant.now();
    Instant deadline = start.plus(bound);
    Instant stoppedSince = null;
    while (true) {
      Duration left = Duration.between(Instant.now(), deadline);
      try {
        return machine
            .console()
            .expectLine(
                "the guest's READY line",
                GuestProtocol.READY_PATTERN,
                failure,
                left.compareTo(SLICE) < 0 && !left.isNegative() && !left.isZero() ? left : SLICE);
      } catch (ConsoleTimeoutException slice) {
        if (!Instant.now().isBefore(deadline)) {
          throw new ConsoleTimeoutException(
              machine.console().name(), slice.awaited(), bound, machine.console().tail(40));
        }
      }
      if (!machine.isAlive()) {
        // the caller names a dead QEMU from its exit; one more look at the console first
        continue;
      }
      int resets = RebootWatch.resets(machine, 0);
      if (resets > LOOP_RESETS) {
        throw new Hopeless(
            "a reset loop while booting: "
                + resets
                + " RESET events in "
                + DurationText.of(Duration.between(start, Instant.now()))
                + " and no READY (a guest that cannot boot, e.g. too little memory for its"
                + " crashkernel=, or a firmware that resets instead of booting)");
      }
      Optional<String> status = stoppedStatus(machine);
      if (status.isEmpty()) {
        stoppedSince = null;
      } else if (stoppedSince == null) {
        stoppedSince = Instant.now();
      } else if (Duration.between(stoppedSince, Instant.now()).compareTo(NOT_RUNNING) >= 0) {
        throw new Hopeless(
            "the VM is not running (status "
                + status.get()
                + ") and has not printed READY: QEMU was started waiting (-S leaves it in"
                + " prelaunch) or was paused, so the guest cannot boot");
      }
      Duration quiet = machine.console().sinceLastOutput();
      if (quiet.compareTo(QUIET_AFTER_INIT) >= 0
          && machine.console().lines().stream().anyMatch(l -> INIT_HANDOVER.matcher(l).find())) {
        throw new Hopeless(
            "the kernel handed over to init (\"Run /init as init process\") and the console has"
                + " been silent for "
                + DurationText.of(quiet)
                + ": init's output goes to another console (a console= that is not the serial"
                + " one?) or init hangs");
      }
    }
  }

  /** The VM's run state when its CPUs do not run; empty when they run or QEMU does not answer. */
  private static Optional<String> stoppedStatus(QemuMachine machine) {
    try {
      var s = machine.qmp().execute("query-status");
      return s.path("running").asBoolean(true)
          ? Optional.empty()
          : Optional.of(s.path("status").asText("?"));
    } catch (QmpException e) {
      return Optional.empty();
    }
  }
}
