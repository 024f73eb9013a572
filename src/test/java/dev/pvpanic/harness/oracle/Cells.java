package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.util.List;
import java.util.Optional;

/** Short names for the inputs the oracle tests build. */
final class Cells {
  private Cells() {}

  static QemuCapabilities qemu(int major, int minor) {
    return QemuCapabilities.of(QemuVersion.of(major, minor, 0));
  }

  static KernelVersion kernel(String release) {
    return KernelVersion.parse(release);
  }

  static CellSetup x86(PvpanicDevice.Kind device) {
    return CellSetup.panic(Architecture.X86_64, device);
  }

  static CellSetup arm64(PvpanicDevice.Kind device) {
    return CellSetup.panic(Architecture.AARCH64, device);
  }

  static CellSetup riscv64(PvpanicDevice.Kind device) {
    return CellSetup.panic(Architecture.RISCV64, device);
  }

  static Optional<Integer> events(int mask) {
    return Optional.of(mask);
  }

  /** A Linux 5.12+ guest with a bound driver that read {@code capability}, events left as is. */
  static GuestFacts guest(String release, PvpanicDriver driver, int capability) {
    return GuestFacts.of(kernel(release), driver, capability, capability);
  }

  /** A guest that reported no capability (Linux before 5.12, or no driver). */
  static GuestFacts oldGuest(String release, PvpanicDriver driver) {
    return GuestFacts.of(kernel(release), driver);
  }

  static List<String> described(ExpectedOutcome outcome) {
    return outcome.events().stream().map(ExpectedEvent::describe).toList();
  }
}
