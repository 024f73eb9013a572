package dev.pvpanic.harness.console;

import java.util.List;

/**
 * The console's stream ended (QEMU exited or closed the port), failed, or the harness closed the
 * console, so what was waited for can no longer arrive.
 */
public final class ConsoleClosedException extends ConsoleException {
  private static final long serialVersionUID = 1L;

  public ConsoleClosedException(String summary, List<String> tail, Throwable cause) {
    super(summary, tail, cause);
  }
}
