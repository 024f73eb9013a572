package dev.pvpanic.harness.oracle;

/**
 * How {@code crash_kexec_post_notifiers} is set. The kernel only sees on or off; the matrix keeps
 * the two ways of turning it on apart because they are set at different times (boot versus {@code
 * /sys/module/kernel/parameters/crash_kexec_post_notifiers} just before the panic).
 */
public enum PostNotifiers {
  OFF,
  CMDLINE,
  RUNTIME;

  /** True when the kernel will run the panic notifiers before kexec'ing the capture kernel. */
  public boolean on() {
    return this != OFF;
  }
}
