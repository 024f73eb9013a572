package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.oracle.KernelVersion;
import dev.pvpanic.harness.oracle.LinuxRules;
import dev.pvpanic.harness.oracle.Prediction;
import dev.pvpanic.harness.oracle.QemuRules;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.oracle.TriggerAction;
import dev.pvpanic.harness.oracle.WatchdogAction;
import java.util.Optional;

/**
 * A normal power-off ({@code poweroff -f}, i.e. reboot(LINUX_REBOOT_CMD_POWER_OFF)): the firmware
 * powers the guest off, or, with {@code acpi=off} on x86, pvpanic's power-off handler (Linux 6.10)
 * writes SHUTDOWN, or the kernel halts.
 */
public final class PowerOff implements Trigger {

  @Override
  public String id() {
    return "poweroff";
  }

  @Override
  public TriggerAction action() {
    return new TriggerAction.Typed("poweroff -f");
  }

  @Override
  public boolean panics(CellSetup setup) {
    return false;
  }

  @Override
  public Optional<String> panicMessage(CellSetup setup) {
    return Optional.empty();
  }

  /** reboot(2) powers off inside the call: the shell never runs the echo. */
  @Override
  public Optional<String> exitFailure(int status) {
    return Optional.of(
        "the trigger command returned (exit "
            + status
            + "): the kernel was to power off inside it");
  }

  @Override
  public Optional<String> contradiction(boolean kdump, WatchdogAction watchdogAction) {
    if (kdump) {
      return Optional.of(
          "trigger: poweroff with kdump: yes (a power-off never reaches the crash kernel; valid:"
              + " trigger: sysrq-c with kdump, or kdump: no)");
    }
    return Trigger.super.contradiction(false, watchdogAction);
  }

  @Override
  public void predict(Prediction p) {
    CellSetup setup = p.setup();
    if (LinuxRules.firmwarePowersOff(setup.architecture(), setup.acpiOff())) {
      firmwarePowersOff(p);
      return;
    }
    p.because("acpi=off -> x86 has no firmware power-off");
    if (p.driverBound()) {
      KernelVersion kernel = p.guest().kernel();
      Prediction.DeviceMask mask = p.deviceMask();
      if (LinuxRules.pvpanicPowersOff(kernel, mask.capability(), mask.events())) {
        p.because(
            mask.describe()
                + " -> Linux >= 6.10 powers off through pvpanic: the guest writes SHUTDOWN");
        QemuRules.Reaction reaction =
            QemuRules.onPvShutdown(p.qemu(), setup.panicAction(), setup.shutdownAction());
        if (!reaction.events().isEmpty()) {
          p.because("QEMU with " + p.actions() + " -> " + Prediction.describe(reaction));
          p.apply(reaction);
          return;
        }
        p.because("QEMU " + p.qemu().version() + " < 9.1 drops SHUTDOWN");
      } else if (!kernel.atLeast(6, 10)) {
        p.because("Linux " + kernel + " < 6.10 has no pvpanic power-off");
      } else {
        p.because(mask.describe() + " -> SHUTDOWN is not among them: no pvpanic power-off");
      }
    }
    p.because(
        "nothing can power the guest off -> the kernel halts instead (\"Power off not"
            + " available: System halted instead\"): no QMP event, status running");
    p.end(FinalState.running());
  }

  private static void firmwarePowersOff(Prediction p) {
    CellSetup setup = p.setup();
    p.because(
        firmware(setup.architecture())
            + " powers the guest off before pvpanic's lowest-priority power-off handler could"
            + " run -> no GUEST_PVSHUTDOWN");
    if (setup.architecture() == Architecture.RISCV64
        && !QemuRules.finisherRequestsShutdown(p.qemu())) {
      p.because(
          "QEMU "
              + p.qemu().version()
              + " < 8.2: the test finisher's PASS write calls exit(0) -> no SHUTDOWN event,"
              + " -action shutdown= is not consulted; QEMU exits 0");
      p.apply(QemuRules.onFinisherExit());
      return;
    }
    QemuRules.Reaction reaction =
        QemuRules.onShutdownRequest("guest-shutdown", setup.panicAction(), setup.shutdownAction());
    p.because("QEMU with " + p.actions() + " -> " + Prediction.describe(reaction));
    p.apply(reaction);
  }

  private static String firmware(Architecture architecture) {
    return switch (architecture) {
      case X86_64 -> "ACPI (S5)";
      case AARCH64 -> "PSCI SYSTEM_OFF";
      case RISCV64 -> "The SBI shutdown (or syscon-poweroff) on the virt machine's test finisher";
    };
  }
}
