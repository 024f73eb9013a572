package dev.pvpanic.harness.oracle;

import java.util.Objects;

/**
 * One line of a comparison, as data: what was checked, what was expected and what was seen, and the
 * mark that says how they compare: {@code =} same, {@code ~} one or more matched, {@code !} differ,
 * {@code -} missing, {@code +} unexpected, {@code ?} going by the guest.
 *
 * @param section {@code guest} (a fact before the trigger), {@code event}, {@code final} or {@code
 *     capture}
 */
public record DiffLine(String mark, String section, String expected, String actual) {

  public DiffLine {
    Objects.requireNonNull(mark, "mark");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
  }

  /** Whether this line is a difference ({@code !}, {@code -} or {@code +}). */
  public boolean differs() {
    return mark.equals("!") || mark.equals("-") || mark.equals("+");
  }
}
