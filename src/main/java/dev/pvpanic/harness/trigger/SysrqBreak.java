package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.KernelConfig;
import dev.pvpanic.harness.oracle.TriggerAction;
import java.util.List;
import java.util.Optional;

/**
 * True magic SysRq over the serial line: a BREAK (QMP {@code chardev-send-break}) then {@code c},
 * which works when userspace is wedged. The serial path checks the sysrq mask: Debian's default
 * 0x1b6 lacks the crash op's 0x08, so arming sets {@code kernel.sysrq=1} (drivers/tty/sysrq.c:
 * __handle_sysrq with check_mask). Then the same panic as {@link SysrqC}.
 */
public final class SysrqBreak extends PanicTrigger {

  public SysrqBreak() {
    super(SysrqC.PANIC, SysrqC.SYSRQ_CRASH);
  }

  @Override
  Optional<String> why() {
    return Optional.of(
        "a serial BREAK then 'c' with kernel.sysrq=1 (set while arming; Debian's default mask"
            + " 0x1b6 lacks the crash op's 0x08) -> sysrq crash: the kernel panics");
  }

  @Override
  public String id() {
    return "sysrq-break";
  }

  @Override
  public TriggerAction action() {
    return new TriggerAction.SerialBreak('c');
  }

  @Override
  public List<String> arming(CellSetup setup) {
    return List.of("echo 1 > /proc/sys/kernel/sysrq");
  }

  @Override
  public List<String> cannotRun(CellSetup setup, KernelConfig config) {
    return config.lacks("CONFIG_MAGIC_SYSRQ", "trigger " + id() + " is SysRq").stream().toList();
  }
}
