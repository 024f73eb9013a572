package dev.pvpanic.harness.oracle;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which pvpanic driver the guest kernel bound, as the guest's READY line reports it. */
public enum PvpanicDriver {
  NONE("none"),
  /** Linux before 5.13: one {@code pvpanic} driver for the ACPI/ISA device. */
  PVPANIC("pvpanic"),
  /** Linux 5.13 and later: the ACPI/ISA (and device-tree MMIO) device. */
  PVPANIC_MMIO("pvpanic-mmio"),
  PVPANIC_PCI("pvpanic-pci");

  private final String readyValue;

  PvpanicDriver(String readyValue) {
    this.readyValue = readyValue;
  }

  /** The value after {@code pvpanic=} on the READY line. */
  public String readyValue() {
    return readyValue;
  }

  public boolean bound() {
    return this != NONE;
  }

  /** Parses the READY line's {@code pvpanic=} value; throws naming the valid values otherwise. */
  public static PvpanicDriver fromReadyValue(String value) {
    String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    for (PvpanicDriver driver : values()) {
      if (driver.readyValue.equals(wanted)) {
        return driver;
      }
    }
    throw new IllegalArgumentException(
        "unknown pvpanic driver '"
            + value
            + "' (expected one of "
            + Arrays.stream(values()).map(d -> d.readyValue).collect(Collectors.joining(", "))
            + ")");
  }
}
