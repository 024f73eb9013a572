package dev.pvpanic.harness.matrix;

import java.util.List;
import java.util.Map;

/**
 * A regression a named cell injects through its own inputs (a kernel or QEMU argument, a QEMU build
 * that wraps the real one), and the verdict that must catch it. The oracle never sees this: it is
 * what the regression-injection suite scores the harness by.
 *
 * @param verdict a failing verdict, as a guest config writes it ({@link #VERDICTS})
 */
public record InjectedRegression(String what, String verdict) {

  /** The verdicts an injected regression may state: the ones that catch one. */
  public static final List<String> VERDICTS =
      List.of("wrong-guest-state", "wrong-events", "unexpected-panic");

  /** The verdict's enum name ({@code WRONG_GUEST_STATE}). */
  public String verdictName() {
    return verdict.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** Whether a cell's verdict (its enum name) is the one this regression must get. */
  public boolean caughtBy(String verdictName) {
    return verdictName().equals(verdictName);
  }

  static InjectedRegression parse(Map<String, Object> m, String where) {
    Object what = m.get("what");
    Object verdict = m.get("verdict");
    if (m.size() != 2 || what == null || verdict == null || String.valueOf(what).isBlank()) {
      throw new GuestConfigException(
          where
              + ": 'regression' has exactly 'what' (the regression) and 'verdict' (one of "
              + String.join(", ", VERDICTS)
              + ")");
    }
    String v = String.valueOf(verdict).strip();
    if (!VERDICTS.contains(v)) {
      throw new GuestConfigException(
          where
              + ": regression verdict '"
              + v
              + "' is not one that catches a regression; valid: "
              + String.join(", ", VERDICTS));
    }
    return new InjectedRegression(String.valueOf(what).strip(), v);
  }
}
