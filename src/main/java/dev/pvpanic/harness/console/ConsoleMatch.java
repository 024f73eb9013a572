package dev.pvpanic.harness.console;

import java.util.regex.MatchResult;
import java.util.regex.Matcher;

/**
 * A pattern found on the console: the line's number (its index in {@link SerialConsole#lines()};
 * for a partial line, the index it will have once completed), the line's text when it matched, and
 * the match with its groups (offsets refer to {@code line}).
 */
public record ConsoleMatch(int lineIndex, String line, MatchResult groups) {

  /** Group {@code index} of the match, or null when it did not take part. */
  public String group(int index) {
    return groups.group(index);
  }

  /**
   * Named group {@code name} of the match, or null when it did not take part. Works for matches
   * made by {@link SerialConsole}, which hands each one its own (never reused) {@link Matcher}.
   */
  public String group(String name) {
    if (groups instanceof Matcher matcher) {
      return matcher.group(name);
    }
    throw new UnsupportedOperationException(
        "named groups need a java.util.regex.Matcher as the match result, got "
            + groups.getClass().getName());
  }
}
