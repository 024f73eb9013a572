package dev.pvpanic.harness.scenario;

import dev.pvpanic.harness.oracle.Trigger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the harness looks for on a guest's console, in one place. The guest protocol's own lines
 * ({@code PVH READY}, {@code PVH VMCORE}) are in {@link GuestProtocol}; these are the kernel's.
 */
final class ConsolePatterns {
  private ConsolePatterns() {}

  /** Console text that proves the trigger took effect, whatever QMP says. */
  static final Pattern TRIGGER_TOOK_EFFECT =
      Pattern.compile(
          "Kernel panic - not syncing|sysrq: Trigger a crash|reboot: Power down|System halted"
              + "|PVH VMCORE|Starting crashdump kernel|reboot: Restarting system"
              + "|pvh_oops: dereferencing NULL");

  /** The sysrq crash op's line (drivers/tty/sysrq.c: "Trigger a crash"; "SysRq :" before 5.x). */
  static final Pattern SYSRQ_CRASH = Pattern.compile("(?i)sysrq ?: Trigger a crash");

  /** The panic an unclaimed NMI causes with unknown_nmi_panic (arch/x86/kernel/nmi.c). */
  static final Pattern NMI_PANIC = Pattern.compile("NMI: Not continuing");

  /**
   * The crasher module's oops: "BUG: kernel NULL pointer dereference" (arch/x86/mm/fault.c
   * show_fault_oops) or "Unable to handle kernel NULL pointer dereference" (arch/arm64/mm/fault.c
   * die_kernel_fault), and the module's own line before it.
   */
  static final Pattern OOPS_LINE =
      Pattern.compile("pvh_oops: dereferencing NULL|kernel NULL pointer dereference");

  /** The console line that shows a panic came from {@code trigger}; empty for a power-off. */
  static Optional<Pattern> signature(Trigger trigger) {
    return switch (trigger) {
      case SYSRQ_C, SYSRQ_BREAK -> Optional.of(SYSRQ_CRASH);
      case NMI -> Optional.of(NMI_PANIC);
      case OOPS, OOPS_NO_PANIC -> Optional.of(OOPS_LINE);
      // the QMP WATCHDOG event is the watchdog's own sign; an NMI it injects is judged like one
      case POWEROFF, WATCHDOG -> Optional.empty();
    };
  }

  /** A panic while the guest boots or is armed: a finding, not the panic under test. */
  static final Pattern PANIC_DURING_BOOT = Pattern.compile("Kernel panic - not syncing");

  /** A printk line on the console: "[ 12.345678] ...". */
  static final Pattern KERNEL_MESSAGE = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]");

  /**
   * The last line of the kernel's own work after a trigger: panic()'s end line, printed after every
   * panic notifier (pvpanic's too) has run, or the halt that follows when no power-off handler
   * powered the guest off ("reboot: System halted", "Power off not available: System halted
   * instead"); the kernel then only spins.
   */
  static final Pattern KERNEL_DONE = Pattern.compile("---\\[ end Kernel panic|System halted");
}
