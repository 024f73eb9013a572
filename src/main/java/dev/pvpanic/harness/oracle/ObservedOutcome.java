package dev.pvpanic.harness.oracle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cell actually showed: every QMP event of the cell in order (including any the harness
 * caused itself, so the harness must not issue {@code stop} or {@code cont} during a cell), the
 * final state, whether the capture kernel's {@code PVH VMCORE} line was seen, what the capture
 * kernel read from the dump's kernel log ({@code PVH DMESG}, empty when it printed no such line),
 * what the guest reported about itself before the trigger, and whether the guest was seen booting
 * again after a reset (a kernel banner on the console after the first RESET, or READY again).
 */
public record ObservedOutcome(
    List<ObservedEvent> events,
    FinalState finalState,
    boolean vmcoreSeen,
    Optional<GuestReport> guest,
    Optional<DumpLog> dumpLog,
    boolean bootSeen) {

  public ObservedOutcome {
    events = List.copyOf(events);
    Objects.requireNonNull(finalState, "finalState");
    Objects.requireNonNull(guest, "guest");
    Objects.requireNonNull(dumpLog, "dumpLog");
  }

  /** An outcome in which the guest was not seen booting again. */
  public ObservedOutcome(
      List<ObservedEvent> events,
      FinalState finalState,
      boolean vmcoreSeen,
      Optional<GuestReport> guest,
      Optional<DumpLog> dumpLog) {
    this(events, finalState, vmcoreSeen, guest, dumpLog, false);
  }

  /** An outcome without the capture kernel's DMESG report. */
  public ObservedOutcome(
      List<ObservedEvent> events,
      FinalState finalState,
      boolean vmcoreSeen,
      Optional<GuestReport> guest) {
    this(events, finalState, vmcoreSeen, guest, Optional.empty());
  }

  /** An outcome without a guest report (the rules' own tests). */
  public ObservedOutcome(List<ObservedEvent> events, FinalState finalState, boolean vmcoreSeen) {
    this(events, finalState, vmcoreSeen, Optional.empty());
  }
}
