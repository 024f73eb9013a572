package dev.pvpanic.harness.oracle;

/** What the scenario does to the guest once it is ready. */
public enum Trigger {
  /** {@code echo c > /proc/sysrq-trigger}: a kernel panic (writing the file ignores the mask). */
  SYSRQ_C("sysrq-c", true),
  /**
   * True magic SysRq over the serial line: a BREAK (QMP {@code chardev-send-break}) then {@code c},
   * which works when userspace is wedged. The serial path checks the sysrq mask: Debian's default
   * 0x1b6 lacks the crash op's 0x08, so the harness sets {@code kernel.sysrq=1} while arming
   * (drivers/tty/sysrq.c: __handle_sysrq with check_mask).
   */
  SYSRQ_BREAK("sysrq-break", true),
  /**
   * QMP {@code inject-nmi} with {@code kernel.unknown_nmi_panic=1} (set while arming): an NMI no
   * handler claims panics with "NMI: Not continuing" (arch/x86/kernel/nmi.c: unknown_nmi_error ->
   * nmi_panic). x86 only: QEMU's arm virt machine has no NMI to inject.
   */
  NMI("nmi", true),
  /** A normal power-off ({@code poweroff -f}, i.e. reboot(LINUX_REBOOT_CMD_POWER_OFF)). */
  POWEROFF("poweroff", false),
  /**
   * The guest arms an {@code i6300esb} watchdog (its driver loaded with a 2 s heartbeat) and stops
   * feeding it: when its second stage runs out QEMU performs {@code -action watchdog=} (the cell's
   * {@link WatchdogAction}). Only {@code inject-nmi} leads into a panic (an NMI no handler claims,
   * with kernel.unknown_nmi_panic=1).
   */
  WATCHDOG("watchdog", false),
  /**
   * A kernel oops from a crasher module of the harness's own ({@code pvh_oops}, images/guest/oops):
   * a NULL dereference in its init, with {@code kernel.panic_on_oops=1} (set while arming): the
   * oops becomes a panic.
   */
  OOPS("oops", true),
  /**
   * The same oops with {@code kernel.panic_on_oops=0}: an oops is not a panic. The kernel kills the
   * task that oopsed (insmod) and goes on; no panic notifier runs.
   */
  OOPS_NO_PANIC("oops-no-panic", false);

  private final String id;
  private final boolean panics;

  Trigger(String id, boolean panics) {
    this.id = id;
    this.panics = panics;
  }

  /** The axis value: {@code sysrq-c}, {@code sysrq-break}, {@code nmi}, {@code poweroff}, ... */
  public String id() {
    return id;
  }

  /**
   * Whether it always panics the kernel (the sysrq triggers, an NMI, an oops with panic_on_oops); a
   * watchdog panics only with {@code -action watchdog=inject-nmi} ({@link CellSetup#panics()}).
   */
  public boolean panics() {
    return panics;
  }

  public static Trigger of(String id) {
    for (Trigger t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no trigger '" + id + "'");
  }
}
