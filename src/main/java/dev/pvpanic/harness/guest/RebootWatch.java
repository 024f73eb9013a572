package dev.pvpanic.harness.guest;

import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.qmp.QmpEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Waits for a guest the rules say reboots to be seen booting again, and stops as soon as that can
 * no longer happen the way the rules say: more RESETs than they allow (a firmware that resets in a
 * loop sends hundreds a second and never starts the kernel) or QEMU gone. RESET events alone never
 * prove a reboot.
 */
public final class RebootWatch {
  private static final Duration SLICE = Duration.ofMillis(250);

  private RebootWatch() {}

  /**
   * @param from the first event index of the cell
   * @param maxResets the most RESETs the expectation allows
   * @param bootsWithin waits up to the given time for the proof of a new boot; true once it came
   * @param what the proof, for the message
   * @return why the guest was not seen booting, or empty when it was
   */
  public static Optional<String> await(
      QemuMachine machine,
      int from,
      int maxResets,
      Predicate<Duration> bootsWithin,
      String what,
      Duration bound) {
    Instant start = Instant.now();
    Instant deadline = start.plus(bound);
    while (true) {
      int resets = resets(machine, from);
      if (resets > maxResets) {
        return Optional.of(loop(resets, maxResets, start));
      }
      if (bootsWithin.test(SLICE)) {
        return Optional.empty();
      }
      if (!machine.isAlive()) {
        return Optional.of("QEMU exited before " + what);
      }
      if (!Instant.now().isBefore(deadline)) {
        resets = resets(machine, from);
        return Optional.of(
            resets > maxResets
                ? loop(resets, maxResets, start)
                : "no "
                    + what
                    + " within "
                    + DurationText.of(bound)
                    + " of the reboot ("
                    + resets
                    + " RESET events)");
      }
    }
  }

  private static String loop(int resets, int maxResets, Instant start) {
    return "a reset loop: "
        + resets
        + " RESET events (the rules allow at most "
        + maxResets
        + ") and the guest not seen booting; stopped looking after "
        + DurationText.of(Duration.between(start, Instant.now()));
  }

  public static int resets(QemuMachine machine, int from) {
    int n = 0;
    for (QmpEvent e : machine.qmp().events().snapshot()) {
      if (e.index() >= from && e.name().equals("RESET")) {
        n++;
      }
    }
    return n;
  }
}
