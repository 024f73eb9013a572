package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many guests run at once: {@code -Dpvh.parallel=N}, or by default as many as the machine has
 * cores and memory for, {@code min(cores, available memory / (guest memory + 300 MiB))}, at least
 * one. Under TCG each guest keeps one core busy, so more guests than cores only makes every guest
 * slower (and bounded waits more likely to run out); the 300 MiB cover QEMU itself beyond the
 * guest's RAM (TCG's translation cache, device models).
 */
public final class GuestParallelism {
  /** The system property (and JUnit configuration parameter) naming the number of guests. */
  public static final String PROPERTY = "pvh.parallel";

  /** What QEMU takes beyond the guest's RAM. */
  static final int QEMU_OVERHEAD_MB = 300;

  /** The largest guest a matrix runs (x86_64, 1 GiB). */
  public static final int LARGEST_GUEST_MB = 1024;

  private static final Pattern MEM_AVAILABLE =
      Pattern.compile("(?m)^MemAvailable:\\s+(\\d+)\\s+kB");

  private GuestParallelism() {}

  /** The number of guests to run at once on this machine ({@link #PROPERTY}, else the default). */
  public static int configured(Settings settings) {
    return resolve(
        settings.get(Setting.PARALLEL).orElse(null),
        Runtime.getRuntime().availableProcessors(),
        configuredMemoryMb(),
        LARGEST_GUEST_MB);
  }

  /** The memory guests may use: MemAvailable, or room for one guest where it cannot be read. */
  public static long configuredMemoryMb() {
    return availableMemoryMb().orElse(LARGEST_GUEST_MB + QEMU_OVERHEAD_MB);
  }

  /** The most guests at once a run takes (the command line's {@code --parallel} too). */
  public static final int MAX = 64;

  /**
   * @param value {@code null}, empty or {@code auto} for the default, else a number 1..{@link #MAX}
   * @throws dev.pvpanic.harness.SettingException for anything else, naming what is valid
   */
  public static int resolve(String value, int cores, long availableMb, int guestMb) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (v.isEmpty() || v.equals("auto")) {
      return fromResources(cores, availableMb, guestMb);
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new dev.pvpanic.harness.SettingException(
        PROPERTY
            + " (PVH_PARALLEL) '"
            + value
            + "' is not a number of guests; valid: 1.."
            + MAX
            + " or auto");
  }

  /** {@code min(cores, availableMb / (guestMb + 300))}, at least 1. */
  public static int fromResources(int cores, long availableMb, int guestMb) {
    long byMemory = availableMb / (guestMb + QEMU_OVERHEAD_MB);
    return (int) Math.max(1, Math.min(cores, byMemory));
  }

  /** MemAvailable from /proc/meminfo, in MiB; empty where there is none. */
  static OptionalLong availableMemoryMb() {
    try {
      return parseMemAvailableMb(Files.readString(Path.of("/proc/meminfo")));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  static OptionalLong parseMemAvailableMb(String meminfo) {
    Matcher m = MEM_AVAILABLE.matcher(meminfo);
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) / 1024) : OptionalLong.empty();
  }
}
