package dev.pvpanic.harness.oracle;

import java.util.List;

/**
 * The verdict of {@link OutcomeComparison#compare}: whether the guest's state before the trigger
 * and the outcome after it matched, each fact of the guest, and a readable diff.
 */
public final class Comparison {
  private final boolean guestStateMatches;
  private final boolean outcomeMatches;
  private final List<DiffLine> lines;
  private final String diff;

  Comparison(boolean guestStateMatches, boolean outcomeMatches, List<DiffLine> lines, String diff) {
    this.guestStateMatches = guestStateMatches;
    this.outcomeMatches = outcomeMatches;
    this.lines = List.copyOf(lines);
    this.diff = diff;
  }

  /** The comparison as data: the guest's facts, the events, the final state, the capture kernel. */
  public List<DiffLine> lines() {
    return lines;
  }

  /** True when the guest's state, every event, the final state and the capture kernel matched. */
  public boolean matches() {
    return guestStateMatches && outcomeMatches;
  }

  /** True when every fact the guest reported before the trigger is what the rules derive. */
  public boolean guestStateMatches() {
    return guestStateMatches;
  }

  /**
   * The guest's facts ({@code =} as derived, {@code !} wrong, {@code ?} going by the guest), then
   * expected against actual, one aligned line per event ({@code =} same, {@code ~} one-or-more
   * matched, {@code !} same event with other data, {@code -} missing, {@code +} unexpected), then
   * the final state, the capture kernel, and the rules behind the expectation.
   */
  public String diff() {
    return diff;
  }

  @Override
  public String toString() {
    return diff;
  }
}
