package dev.pvpanic.harness.oracle;

/**
 * The verdict of {@link OutcomeComparison#compare}: whether the cell matched, and a readable diff.
 */
public final class Comparison {
  private final boolean matches;
  private final String diff;

  Comparison(boolean matches, String diff) {
    this.matches = matches;
    this.diff = diff;
  }

  /** True when every event, the final state and the capture kernel's run are as expected. */
  public boolean matches() {
    return matches;
  }

  /**
   * Expected against actual, one aligned line per event ({@code =} same, {@code ~} one-or-more
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
