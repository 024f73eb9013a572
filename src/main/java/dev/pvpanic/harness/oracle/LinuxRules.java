package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.Set;

/**
 * What the guest kernel does at a panic and at power-off. One method per rule; each names the Linux
 * source it comes from.
 */
public final class LinuxRules {
  private LinuxRules() {}

  /**
   * kernel/panic.c panic(): unless {@code crash_kexec_post_notifiers} is set, {@code
   * __crash_kexec(NULL)} runs BEFORE {@code atomic_notifier_call_chain(&panic_notifier_list, ...)};
   * with a crash kernel loaded it does not return, so pvpanic's notifier never runs. With the
   * option set the notifiers run first and {@code __crash_kexec()} after them. Without a crash
   * kernel {@code __crash_kexec()} returns at once and the notifiers run either way.
   */
  static boolean panicNotifiersRun(boolean kdumpLoaded, PostNotifiers postNotifiers) {
    return !kdumpLoaded || postNotifiers.on();
  }

  /**
   * drivers/misc/pvpanic/pvpanic.c pvpanic_panic_notify(): {@code event = PVPANIC_PANICKED; if
   * (kexec_crash_loaded()) event = PVPANIC_CRASH_LOADED;} since Linux 5.6 ("pvpanic: add crash
   * loaded event"); before, always PANICKED.
   */
  static PvpanicEvent eventAtPanic(KernelVersion kernel, boolean kdumpLoaded) {
    return kdumpLoaded && crashLoadedEventKnown(kernel)
        ? PvpanicEvent.CRASH_LOADED
        : PvpanicEvent.PANICKED;
  }

  static boolean crashLoadedEventKnown(KernelVersion kernel) {
    return kernel.atLeast(5, 6);
  }

  /**
   * drivers/misc/pvpanic/pvpanic.c pvpanic_send_event(): since Linux 5.12 {@code if (event &
   * pi_cur->capability & pi_cur->events) iowrite8(event, ...)}, capability being what the register
   * read back at probe and events the sysfs mask (Documentation/ABI/testing/
   * sysfs-bus-pci-devices-pvpanic). Before 5.12 the driver wrote the event without looking.
   */
  static boolean writesEvent(
      KernelVersion kernel, PvpanicEvent event, int capability, int eventsMask) {
    if (!readsCapability(kernel)) {
      return true;
    }
    return event.in(capability & eventsMask);
  }

  static boolean readsCapability(KernelVersion kernel) {
    return kernel.atLeast(5, 12);
  }

  /**
   * Linux 6.10 "misc/pvpanic: add support for normal shutdowns": pvpanic_sys_off() writes SHUTDOWN
   * from a power-off handler registered at SYS_OFF_PRIO_LOW; pvpanic_synchronize_sys_off_handler()
   * keeps it registered only while SHUTDOWN is in the events mask (which is within capability).
   */
  public static boolean pvpanicPowersOff(KernelVersion kernel, int capability, int eventsMask) {
    return kernel.atLeast(6, 10) && PvpanicEvent.SHUTDOWN.in(capability & eventsMask);
  }

  /**
   * The firmware power-off, registered above pvpanic's SYS_OFF_PRIO_LOW, does not come back: x86
   * acpi_power_off() enters S5 (ACPICA's legacy sleep then waits for WAK_STS), and arm64's PSCI
   * SYSTEM_OFF is taken by QEMU at once (target/arm/psci.c powers the calling CPU off). So
   * pvpanic's handler never runs while ACPI (x86) or PSCI (arm64) is there. {@code acpi=off}
   * removes it on x86; arm64 guests here always have PSCI. riscv64: arch/riscv/kernel/sbi.c
   * sbi_init() sets {@code pm_power_off} (legacy power-off, run from a SYS_OFF_PRIO_DEFAULT handler
   * in kernel/reboot.c) to the SBI call (SRST SHUTDOWN, or the v0.1 legacy shutdown), which OpenSBI
   * carries out on QEMU's virt machine and which does not return; riscv64 guests always have SBI.
   */
  public static boolean firmwarePowersOff(Architecture architecture, boolean acpiOff) {
    return architecture != Architecture.X86_64 || !acpiOff;
  }

  /**
   * Which pvpanic driver binds the cell's device, from the kernel version and the drivers the image
   * provides. The ISA device is described to the guest in ACPI (QEMU0001, hw/misc/pvpanic-isa.c
   * build_acpi): its driver is {@code pvpanic} before 5.11 and {@code pvpanic-mmio} from 5.11
   * (commit f104060813fe), and with {@code acpi=off} nothing finds it. {@code pvpanic-pci} (PCI
   * 1b36:0011) exists from 5.13 (commit db3a4f0abefd). A driver the image does not bring cannot
   * bind.
   */
  static PvpanicDriver boundDriver(
      PvpanicDevice.Kind device,
      boolean acpiOff,
      KernelVersion kernel,
      Set<PvpanicDriver> provided) {
    PvpanicDriver wanted =
        switch (device) {
          case NONE -> PvpanicDriver.NONE;
          case ISA ->
              acpiOff
                  ? PvpanicDriver.NONE
                  : kernel.atLeast(5, 11) ? PvpanicDriver.PVPANIC_MMIO : PvpanicDriver.PVPANIC;
          case PCI -> kernel.atLeast(5, 13) ? PvpanicDriver.PVPANIC_PCI : PvpanicDriver.NONE;
        };
    return provided.contains(wanted) ? wanted : PvpanicDriver.NONE;
  }

  /**
   * The event bits a Linux pvpanic driver knows. From 5.12 devm_pvpanic_probe() keeps {@code
   * capability = ioread8(base) & known} and starts {@code events = capability}; known is
   * PANICKED|CRASH_LOADED (0x3) until 6.10 adds SHUTDOWN (0x7, "misc/pvpanic: add support for
   * normal shutdowns"). Before 5.12 the driver reads nothing: there is no capability.
   */
  static int knownEventBits(KernelVersion kernel) {
    int known = PvpanicEvent.PANICKED.bit() | PvpanicEvent.CRASH_LOADED.bit();
    return kernel.atLeast(6, 10) ? known | PvpanicEvent.SHUTDOWN.bit() : known;
  }
}
