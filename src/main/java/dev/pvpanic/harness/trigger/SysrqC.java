package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.KernelConfig;
import dev.pvpanic.harness.oracle.TriggerAction;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code echo c > /proc/sysrq-trigger}: a kernel panic. Writing the file ignores the sysrq mask;
 * drivers/tty/sysrq.c sysrq_handle_crash() calls {@code panic("sysrq triggered crash\n")}, inside
 * the write, so the shell never returns.
 */
public final class SysrqC extends PanicTrigger {
  /** The sysrq crash op's line (drivers/tty/sysrq.c: "Trigger a crash"; "SysRq :" before 5.x). */
  static final Pattern SYSRQ_CRASH = Pattern.compile("(?i)sysrq ?: Trigger a crash");

  /** drivers/tty/sysrq.c sysrq_handle_crash(). */
  static final String PANIC = "sysrq triggered crash";

  public SysrqC() {
    super(PANIC, SYSRQ_CRASH);
  }

  @Override
  Optional<String> why() {
    return Optional.empty();
  }

  @Override
  public String id() {
    return "sysrq-c";
  }

  @Override
  public TriggerAction action() {
    return new TriggerAction.Typed("echo c > /proc/sysrq-trigger");
  }

  @Override
  public List<String> cannotRun(CellSetup setup, KernelConfig config) {
    return config.lacks("CONFIG_MAGIC_SYSRQ", "trigger " + id() + " is SysRq").stream().toList();
  }
}
