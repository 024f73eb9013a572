package dev.pvpanic.harness.oracle;

import java.util.ArrayList;
import java.util.List;

/**
 * The bits of the pvpanic register (docs/specs/pvpanic.rst in QEMU, include/uapi/misc/pvpanic.h in
 * Linux).
 */
public enum PvpanicEvent {
  /** Bit 0: a panic the host should handle. */
  PANICKED(1),
  /** Bit 1: a panic the guest handles itself (a crash kernel is loaded). */
  CRASH_LOADED(2),
  /** Bit 2: a normal shutdown the host should carry out. */
  SHUTDOWN(4);

  private final int bit;

  PvpanicEvent(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  public boolean in(int mask) {
    return (mask & bit) != 0;
  }

  /** Renders a mask for people: {@code 0x3 (PANICKED|CRASH_LOADED)}. */
  public static String describe(int mask) {
    List<String> names = new ArrayList<>();
    for (PvpanicEvent event : values()) {
      if (event.in(mask)) {
        names.add(event.name());
      }
    }
    int unknown = mask & ~(PANICKED.bit | CRASH_LOADED.bit | SHUTDOWN.bit);
    if (unknown != 0) {
      names.add("0x" + Integer.toHexString(unknown));
    }
    return "0x"
        + Integer.toHexString(mask)
        + " ("
        + (names.isEmpty() ? "nothing" : String.join("|", names))
        + ")";
  }
}
