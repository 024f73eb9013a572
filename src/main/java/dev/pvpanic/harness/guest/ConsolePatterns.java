package dev.pvpanic.harness.guest;

import java.util.regex.Pattern;

/**
 * What the harness looks for on a guest's console, in one place. The guest protocol's own lines
 * ({@code PVH READY}, {@code PVH VMCORE}) are in {@link GuestProtocol}; these are the kernel's.
 */
public final class ConsolePatterns {
  private ConsolePatterns() {}

  /**
   * Console text that proves the trigger took effect, whatever QMP says: a panic, a power-off or
   * halt, the capture kernel, a reboot, or any trigger's own console line ({@link
   * dev.pvpanic.harness.oracle.Trigger#signature}).
   */
  public static final Pattern TRIGGER_TOOK_EFFECT = tookEffect();

  private static Pattern tookEffect() {
    StringBuilder any =
        new StringBuilder(
            "Kernel panic - not syncing|reboot: Power down|System halted|PVH VMCORE"
                + "|Starting crashdump kernel|reboot: Restarting system");
    for (dev.pvpanic.harness.oracle.Trigger t : dev.pvpanic.harness.oracle.Trigger.all()) {
      t.signature(true).ifPresent(p -> any.append("|(?:").append(p.pattern()).append(')'));
    }
    return Pattern.compile(any.toString());
  }

  /** A panic while the guest boots or is armed: a finding, not the panic under test. */
  public static final Pattern PANIC_DURING_BOOT = Pattern.compile("Kernel panic - not syncing");

  /** A printk line on the console: "[ 12.345678] ...". */
  public static final Pattern KERNEL_MESSAGE = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\]");

  /**
   * The last line of the kernel's own work after a trigger: panic()'s end line, printed after every
   * panic notifier (pvpanic's too) has run, or the halt that follows when no power-off handler
   * powered the guest off ("reboot: System halted", "Power off not available: System halted
   * instead"); the kernel then only spins.
   */
  public static final Pattern KERNEL_DONE =
      Pattern.compile("---\\[ end Kernel panic|System halted");
}
