package dev.pvpanic.harness.oracle;

/**
 * How many consecutive occurrences of an expected event the actual sequence must show: at least
 * {@code min}, at most {@code max}. A count above one is allowed only where a cited rule bounds it
 * (the resets of a reboot, see {@link QemuRules#rebootResets}); {@code rule} says which, for the
 * diff. There is no "one or more": a storm of a thousand RESETs is a difference, not a repeat.
 */
public record Multiplicity(int min, int max, String rule) {
  public static final Multiplicity ONE = new Multiplicity(1, 1, "");

  public Multiplicity {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException("multiplicity " + min + ".." + max);
    }
    java.util.Objects.requireNonNull(rule, "rule");
  }

  /** One to {@code max} in a row, bounded by {@code rule}. */
  public static Multiplicity upTo(int max, String rule) {
    return max == 1 ? ONE : new Multiplicity(1, max, rule);
  }

  /** Whether more than one occurrence may match. */
  public boolean repeats() {
    return max > 1;
  }

  /** {@code ""} for exactly one, else {@code " x1..4"}. */
  public String describe() {
    return repeats() ? " x" + min + ".." + max : "";
  }
}
