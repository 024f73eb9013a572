package dev.pvpanic.harness.console;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A failure pattern matched a console line before the awaited success pattern did (for example a
 * kernel panic while waiting for the guest to become ready).
 */
public final class ConsoleFailureException extends ConsoleException {
  private static final long serialVersionUID = 1L;

  private final transient Pattern failure;
  private final transient ConsoleMatch match;

  public ConsoleFailureException(
      String consoleName, String awaited, Pattern failure, ConsoleMatch match, List<String> tail) {
    super(
        "Console '"
            + consoleName
            + "' printed a failure (/"
            + failure.pattern()
            + "/ matched line "
            + match.lineIndex()
            + ": '"
            + match.line()
            + "') while waiting for "
            + awaited
            + ".",
        tail);
    this.failure = failure;
    this.match = match;
  }

  /** The failure pattern that matched. */
  public Pattern failure() {
    return failure;
  }

  /** Where it matched. */
  public ConsoleMatch match() {
    return match;
  }
}
