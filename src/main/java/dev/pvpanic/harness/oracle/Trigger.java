package dev.pvpanic.harness.oracle;

/** What the scenario does to the guest once it is ready. */
public enum Trigger {
  /** {@code echo c > /proc/sysrq-trigger}: a kernel panic. */
  SYSRQ_C,
  /** A normal power-off ({@code poweroff -f}, i.e. reboot(LINUX_REBOOT_CMD_POWER_OFF)). */
  POWEROFF
}
