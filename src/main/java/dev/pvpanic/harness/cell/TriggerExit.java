package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.oracle.Trigger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trigger typed on the guest's shell is followed by {@code echo PVH-TRIGGER-EXIT $?}, so a
 * trigger that did not take is seen at once instead of after the event bound, as a silent guest: an
 * insmod of a module the kernel refuses, a {@code /dev/watchdog} that is not there. Whether the
 * line may come at all, and with which status, is a rule of the trigger ({@link
 * Trigger#exitFailure}), not something observed.
 */
final class TriggerExit {
  /** The line's text, split so the shell's echo of the command line itself never matches. */
  private static final String ECHO = "echo PVH\"\"-TRIGGER-EXIT $?";

  static final Pattern LINE = Pattern.compile("^PVH-TRIGGER-EXIT (\\d+)\\s*$");

  private TriggerExit() {}

  /** The command line to type: the trigger, then its exit status. */
  static String typed(String command) {
    return command + "; " + ECHO;
  }

  /** The status on a console line, when it is the trigger's exit line. */
  static Optional<Integer> status(String line) {
    Matcher m = LINE.matcher(line);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
