package dev.pvpanic.harness.machine;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The pvpanic device a machine gets: none, the ISA device ({@code -device pvpanic}, x86 only) or
 * the PCI device ({@code -device pvpanic-pci}), with an optional {@code events=} mask of what the
 * device advertises (bit 0 PANICKED, bit 1 CRASH_LOADED, bit 2 SHUTDOWN).
 */
public record PvpanicDevice(Kind kind, OptionalInt events) {

  /** The device models; the oracle reasons about the model alone, the events mask apart. */
  public enum Kind {
    NONE(""),
    /** {@code -device pvpanic}: I/O port 0x505, found by the guest through ACPI (QEMU0001). */
    ISA("pvpanic"),
    /** {@code -device pvpanic-pci}: PCI 1b36:0011, the register in BAR0. */
    PCI("pvpanic-pci");

    private final String qemuName;

    Kind(String qemuName) {
      this.qemuName = qemuName;
    }

    /** The {@code -device} driver name; empty for {@link #NONE}. */
    public String qemuName() {
      return qemuName;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String text) {
      String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
      for (Kind k : values()) {
        if (k.id().equals(t) || (!k.qemuName.isEmpty() && k.qemuName.equals(t))) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "unknown pvpanic device '" + text + "'; valid: none, isa (pvpanic), pci (pvpanic-pci)");
    }
  }

  public static final PvpanicDevice NONE = new PvpanicDevice(Kind.NONE, OptionalInt.empty());

  public PvpanicDevice {
    if (kind == Kind.NONE && events.isPresent()) {
      throw new IllegalArgumentException("an events= mask needs a pvpanic device (isa or pci)");
    }
    if (events.isPresent() && (events.getAsInt() < 0 || events.getAsInt() > 7)) {
      throw new IllegalArgumentException(
          "pvpanic events mask " + events.getAsInt() + " out of range; valid: 0..7");
    }
  }

  public static PvpanicDevice isa() {
    return new PvpanicDevice(Kind.ISA, OptionalInt.empty());
  }

  public static PvpanicDevice pci() {
    return new PvpanicDevice(Kind.PCI, OptionalInt.empty());
  }

  public PvpanicDevice withEvents(int mask) {
    return new PvpanicDevice(kind, OptionalInt.of(mask));
  }

  /** The {@code -device} arguments, or nothing for {@link Kind#NONE}. */
  public List<String> qemuArgs() {
    if (kind == Kind.NONE) {
      return List.of();
    }
    String props = events.isPresent() ? ",events=" + events.getAsInt() : "";
    return List.of("-device", kind.qemuName() + props);
  }

  @Override
  public String toString() {
    return kind == Kind.NONE
        ? "none"
        : kind.id() + (events.isPresent() ? "(events=" + events.getAsInt() + ")" : "");
  }
}
