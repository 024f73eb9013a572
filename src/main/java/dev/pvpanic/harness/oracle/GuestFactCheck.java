package dev.pvpanic.harness.oracle;

import java.util.Objects;
import java.util.Optional;

/**
 * One fact about the guest before the trigger, as the rules derive it against what the guest
 * reported. A fact the rules could not know is taken from the guest and says so ({@code
 * goingByGuest}); it then cannot fail.
 *
 * @param fact what is checked, e.g. {@code pvpanic driver}
 * @param expected the derived value, in words
 * @param actual what the guest reported, in words
 * @param goingByGuest why the rules could not tell, when they could not
 */
public record GuestFactCheck(
    String fact, String expected, String actual, Optional<String> goingByGuest) {

  public GuestFactCheck {
    Objects.requireNonNull(fact, "fact");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(goingByGuest, "goingByGuest");
  }

  public boolean matches() {
    return goingByGuest.isPresent() || expected.equals(actual);
  }

  /**
   * One line of the diff: {@code = pvpanic driver: pvpanic-pci}, {@code ! pvpanic driver: expected
   * pvpanic-pci bound, actual none}, or {@code ? pvpanic driver: pvpanic-pci (going by the guest:
   * ...)}.
   */
  public String line() {
    if (goingByGuest.isPresent()) {
      return "? " + fact + ": " + actual + " (going by the guest: " + goingByGuest.get() + ")";
    }
    return matches()
        ? "= " + fact + ": " + actual
        : "! " + fact + ": expected " + expected + ", actual " + actual;
  }
}
