package dev.pvpanic.harness.scenario;

import dev.pvpanic.harness.oracle.Trigger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trigger typed on the guest's shell is followed by {@code echo PVH-TRIGGER-EXIT $?}, so a
 * trigger that did not take is seen at once instead of after the event bound, as a silent guest: an
 * insmod of a module the kernel refuses, a {@code /dev/watchdog} that is not there. Whether the
 * line may come at all, and with which status, is a rule of the trigger, not something observed:
 *
 * <ul>
 *   <li>{@code sysrq-c}, {@code poweroff}, {@code oops}: never. The kernel panics inside the write
 *       to /proc/sysrq-trigger (drivers/tty/sysrq.c sysrq_handle_crash), powers off inside
 *       reboot(2), or, with panic_on_oops, panics inside the insmod (oops_end); the shell never
 *       runs the echo.
 *   <li>{@code watchdog}: 0. The write to /dev/watchdog starts the timer and returns; the reset or
 *       panic comes seconds later.
 *   <li>{@code oops-no-panic}: killed by a signal (128 + the signal): without panic_on_oops the
 *       kernel kills the task that oopsed (make_task_dead), the insmod; 0 would mean the crasher
 *       loaded without oopsing, 1 that it did not load.
 * </ul>
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

  /**
   * Why {@code status} shows that {@code trigger}'s command did not do its part; empty if it did.
   */
  static Optional<String> failure(Trigger trigger, int status) {
    return switch (trigger) {
      case SYSRQ_C, POWEROFF, OOPS ->
          Optional.of(
              "the trigger command returned (exit "
                  + status
                  + "): the kernel was to "
                  + (trigger == Trigger.POWEROFF ? "power off" : "panic")
                  + " inside it");
      case WATCHDOG ->
          status == 0
              ? Optional.empty()
              : Optional.of("the write to /dev/watchdog failed (exit " + status + ")");
      case OOPS_NO_PANIC ->
          status > 128
              ? Optional.empty()
              : Optional.of(
                  status == 0
                      ? "insmod of the crasher returned 0: it loaded without an oops"
                      : "insmod of the crasher failed (exit " + status + "): no oops");
      case SYSRQ_BREAK, NMI -> Optional.empty(); // not typed on the shell
    };
  }
}
