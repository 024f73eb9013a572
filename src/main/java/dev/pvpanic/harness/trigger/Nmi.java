package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import dev.pvpanic.harness.oracle.TriggerAction;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * QMP {@code inject-nmi} with {@code kernel.unknown_nmi_panic=1} (set while arming): an NMI no
 * handler claims panics (arch/x86/kernel/nmi.c unknown_nmi_error() {@code nmi_panic(regs, "NMI: Not
 * continuing")}). x86 only: QEMU's arm and riscv virt machines have no NMI to inject.
 */
public final class Nmi extends PanicTrigger {
  /** arch/x86/kernel/nmi.c unknown_nmi_error(). */
  static final String PANIC = "NMI: Not continuing";

  static final String ARM = "echo 1 > /proc/sys/kernel/unknown_nmi_panic";

  public Nmi() {
    super(PANIC, Pattern.compile(PANIC));
  }

  @Override
  Optional<String> why() {
    return Optional.of(
        "QMP inject-nmi with kernel.unknown_nmi_panic=1 (set while arming) -> an NMI no"
            + " handler claims: nmi_panic(\"NMI: Not continuing\")");
  }

  @Override
  public String id() {
    return "nmi";
  }

  @Override
  public TriggerAction action() {
    return new TriggerAction.Qmp("inject-nmi");
  }

  @Override
  public List<String> arming(CellSetup setup) {
    return List.of(ARM);
  }

  /**
   * An NMI panic's line shows only when panic() gets to flush the consoles: printk from NMI context
   * is deferred, and a kexec, or QEMU stopping or ending the VM at the pvpanic event, comes first
   * (seen with 6.12); its memory dump still holds it ({@code after: dump}).
   */
  @Override
  public Optional<Pattern> signature(boolean panicFlushes) {
    return panicFlushes ? super.signature(true) : Optional.empty();
  }

  /**
   * QMP inject-nmi needs a machine with an NMI interface: the PC machines deliver one to every
   * CPU's local APIC; QEMU's arm and riscv virt machines implement none and reply "this feature or
   * command is not currently supported" (seen with QEMU 7.2 and 11.1 on arm, 7.2 on riscv).
   */
  @Override
  public List<String> cannotRun(CellSetup setup, QemuCapabilities qemu) {
    return setup.architecture() == Architecture.X86_64
        ? List.of()
        : List.of(
            "trigger nmi: QEMU's "
                + setup.architecture().name().toLowerCase(Locale.ROOT)
                + " virt machine has no NMI to inject (inject-nmi is not supported there); use"
                + " sysrq-c or sysrq-break");
  }
}
