package dev.pvpanic.harness.oracle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cell must show, derived by {@link Oracle} from the kernel's and QEMU's capabilities.
 *
 * @param events every QMP event of the cell, in order; an empty list means none at all (the harness
 *     then checks a quiet period)
 * @param captureKernelRuns the kdump capture kernel runs and prints its VMCORE line
 * @param reasoning the rules that fired, in plain words, in the order they fired
 * @param guest what the guest must report before the trigger; empty when the expectation was made
 *     for guest facts given directly (the rules' own tests)
 * @param dumpLogHolds the panic message the kernel log in the capture kernel's /proc/vmcore must
 *     hold (read there by kexec-tools' vmcore-dmesg); empty when no capture kernel runs or the
 *     trigger's panic message is not known
 */
public record ExpectedOutcome(
    List<ExpectedEvent> events,
    FinalState finalState,
    boolean captureKernelRuns,
    List<String> reasoning,
    Optional<GuestExpectation> guest,
    Optional<String> dumpLogHolds) {

  public ExpectedOutcome {
    events = List.copyOf(events);
    Objects.requireNonNull(finalState, "finalState");
    reasoning = List.copyOf(reasoning);
    Objects.requireNonNull(guest, "guest");
    Objects.requireNonNull(dumpLogHolds, "dumpLogHolds");
  }

  /** An expectation that says nothing about the capture kernel's dump log. */
  public ExpectedOutcome(
      List<ExpectedEvent> events,
      FinalState finalState,
      boolean captureKernelRuns,
      List<String> reasoning,
      Optional<GuestExpectation> guest) {
    this(events, finalState, captureKernelRuns, reasoning, guest, Optional.empty());
  }

  /**
   * Whether the guest boots again: an expected RESET starts it anew (QEMU's reboot action is
   * "reset" unless a cell's own arguments change it), and a reboot counts only when the guest is
   * seen booting (its kernel banner after the reset, or its READY line), not when QEMU only resets.
   */
  public boolean bootsAgain() {
    return events.stream().anyMatch(e -> e.name().equals("RESET"));
  }

  /**
   * The most RESET events the expected sequence allows: one more proves a reset loop, and a harness
   * waiting for the reboot can stop there.
   */
  public int maxResets() {
    return events.stream()
        .filter(e -> e.name().equals("RESET"))
        .mapToInt(e -> e.multiplicity().max())
        .sum();
  }

  /** The expectation as a few lines: events, final state, capture kernel, then why. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    guest.ifPresent(g -> g.describeLines().forEach(l -> out.append(l).append('\n')));
    if (events.isEmpty()) {
      out.append("no QMP events\n");
    }
    for (ExpectedEvent event : events) {
      out.append(event.describe()).append('\n');
    }
    out.append("final: ").append(finalState.describe()).append('\n');
    out.append("capture kernel: ").append(captureKernelRuns ? "runs" : "does not run").append('\n');
    if (bootsAgain()) {
      out.append("boots again: the kernel banner after the reset\n");
    }
    dumpLogHolds.ifPresent(
        m -> out.append("dump log (vmcore-dmesg): holds the panic '").append(m).append("'\n"));
    for (String reason : reasoning) {
      out.append("because: ").append(reason).append('\n');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
