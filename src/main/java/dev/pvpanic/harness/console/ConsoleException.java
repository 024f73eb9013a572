package dev.pvpanic.harness.console;

import dev.pvpanic.harness.HarnessException;
import java.util.List;

/**
 * Something went wrong on the guest's serial console. The message always ends with the console's
 * last lines, because they are what a person needs to see first; {@link #tail()} gives them to
 * reports.
 */
public class ConsoleException extends HarnessException {
  private static final long serialVersionUID = 1L;

  private final List<String> tail;

  public ConsoleException(String summary, List<String> tail) {
    this(summary, tail, null);
  }

  public ConsoleException(String summary, List<String> tail, Throwable cause) {
    super(summary + quote(tail), cause);
    this.tail = List.copyOf(tail);
  }

  /** The console's last lines (oldest first) when this was thrown, the partial line included. */
  public List<String> tail() {
    return tail;
  }

  private static String quote(List<String> tail) {
    if (tail.isEmpty()) {
      return "\nThe console printed nothing.";
    }
    StringBuilder text = new StringBuilder("\nLast ").append(tail.size()).append(" console lines:");
    for (String line : tail) {
      text.append("\n  | ").append(line);
    }
    return text.toString();
  }
}
