package dev.pvpanic.harness.oracle;

/** The pvpanic device on QEMU's command line, if any. */
public enum PvpanicDevice {
  NONE(""),
  /** {@code -device pvpanic}: I/O port 0x505, found by the guest through ACPI (QEMU0001). */
  ISA("pvpanic"),
  /** {@code -device pvpanic-pci}: PCI 1b36:0011, the register in BAR0. */
  PCI("pvpanic-pci");

  private final String qemuName;

  PvpanicDevice(String qemuName) {
    this.qemuName = qemuName;
  }

  /** The {@code -device} driver name; empty for {@link #NONE}. */
  public String qemuName() {
    return qemuName;
  }
}
