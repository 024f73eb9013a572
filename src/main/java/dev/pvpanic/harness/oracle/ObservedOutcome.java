package dev.pvpanic.harness.oracle;

import java.util.List;
import java.util.Objects;

/**
 * What a cell actually showed: every QMP event of the cell in order (including any the harness
 * caused itself, so the harness must not issue {@code stop} or {@code cont} during a cell), the
 * final state, and whether the capture kernel's {@code PVH VMCORE} line was seen.
 */
public record ObservedOutcome(
    List<ObservedEvent> events, FinalState finalState, boolean vmcoreSeen) {

  public ObservedOutcome {
    events = List.copyOf(events);
    Objects.requireNonNull(finalState, "finalState");
  }
}
