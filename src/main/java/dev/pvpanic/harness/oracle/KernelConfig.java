package dev.pvpanic.harness.oracle;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A kernel's own configuration (its {@code .config}, Debian's {@code /boot/config-<release>}): what
 * the kernel was built to do, declared before any guest runs. Kconfig writes {@code CONFIG_X=y},
 * {@code =m}, {@code ="text"} or {@code =123}, and {@code # CONFIG_X is not set} for a symbol that
 * is off; a symbol that does not appear at all did not exist in that kernel (or its dependencies
 * were off): both read as absent.
 *
 * @param values every set symbol ({@code CONFIG_...}) and its value, strings unquoted; absent and
 *     {@code n} symbols are left out
 */
public record KernelConfig(Map<String, String> values) {

  /**
   * The symbols the rules read ({@link Applicability}, the pvpanic drivers, the panic timeout): an
   * image manifest records these of its kernel's config.
   */
  public static final java.util.List<String> FACT_SYMBOLS =
      java.util.List.of(
          "CONFIG_PVPANIC",
          "CONFIG_PVPANIC_MMIO",
          "CONFIG_PVPANIC_PCI",
          "CONFIG_KEXEC",
          "CONFIG_KEXEC_FILE",
          "CONFIG_CRASH_DUMP",
          "CONFIG_PROC_VMCORE",
          "CONFIG_MAGIC_SYSRQ",
          "CONFIG_I6300ESB_WDT",
          "CONFIG_PANIC_ON_OOPS",
          "CONFIG_PANIC_TIMEOUT",
          "CONFIG_BLK_DEV_INITRD",
          "CONFIG_RD_GZIP",
          "CONFIG_SERIAL_8250_CONSOLE",
          "CONFIG_SERIAL_AMBA_PL011_CONSOLE",
          "CONFIG_MODULES",
          "CONFIG_X86_64",
          "CONFIG_ARM64",
          "CONFIG_RISCV");

  /** What a bool or tristate symbol says. */
  public enum Tristate {
    /** Built in. */
    Y,
    /** Built as a module. */
    M,
    /** Not set, {@code n}, or no such symbol in that kernel. */
    ABSENT;

    /** Built in or as a module. */
    public boolean enabled() {
      return this != ABSENT;
    }
  }

  public KernelConfig {
    Objects.requireNonNull(values, "values");
    Map<String, String> copy = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (!k.startsWith("CONFIG_")) {
            throw new IllegalArgumentException("'" + k + "' is no config symbol (CONFIG_...)");
          }
          if (!v.equals("n")) {
            copy.put(k, v);
          }
        });
    values = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * A {@code .config}'s text. Lines that are neither an assignment nor a "not set" comment are
   * ignored; a symbol set twice takes its last value, as kconfig does.
   */
  public static KernelConfig parse(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
        values.remove(line.substring(2, line.length() - " is not set".length()).strip());
        continue;
      }
      int eq = line.indexOf('=');
      if (!line.startsWith("CONFIG_") || eq < 0) {
        continue;
      }
      String symbol = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      values.remove(symbol); // the last assignment wins, in file order
      values.put(symbol, value);
    }
    return new KernelConfig(values);
  }

  /** {@code symbol} as a bool or tristate; anything but {@code y} or {@code m} is absent. */
  public Tristate tristate(String symbol) {
    return switch (values.getOrDefault(symbol, "n")) {
      case "y" -> Tristate.Y;
      case "m" -> Tristate.M;
      default -> Tristate.ABSENT;
    };
  }

  /** Whether {@code symbol} is built in ({@code y}). */
  public boolean builtIn(String symbol) {
    return tristate(symbol) == Tristate.Y;
  }

  /**
   * "the kernel's config lacks X=y: why; use a kernel built with it" when {@code symbol} is not
   * built in; empty when it is.
   */
  public Optional<String> lacks(String symbol, String why) {
    return builtIn(symbol)
        ? Optional.empty()
        : Optional.of(
            "the kernel's config lacks "
                + symbol
                + "=y"
                + (tristate(symbol) == Tristate.M ? " (it is m)" : "")
                + ": "
                + why
                + "; use a kernel built with it");
  }

  /** The raw value of {@code symbol} (strings unquoted); empty when absent. */
  public Optional<String> value(String symbol) {
    return Optional.ofNullable(values.get(symbol));
  }

  /**
   * A numeric symbol ({@code int} or {@code hex}); empty when absent or not a number.
   *
   * @throws IllegalArgumentException never: a malformed value reads as absent, since kconfig would
   *     not have written it
   */
  public OptionalLong number(String symbol) {
    Optional<String> v = value(symbol);
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    String s = v.get();
    try {
      if (s.startsWith("0x") || s.startsWith("0X")) {
        return OptionalLong.of(Long.parseLong(s.substring(2), 16));
      }
      return OptionalLong.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * {@code CONFIG_PANIC_TIMEOUT}: the seconds after which a panicked kernel reboots by itself
   * ({@code panic_timeout} in kernel/panic.c; 0 waits forever, a negative value reboots at once).
   * Absent means 0: the symbol's default.
   */
  public long panicTimeout() {
    return number("CONFIG_PANIC_TIMEOUT").orElse(0);
  }

  /** Only the given symbols: what an image manifest keeps of a config. */
  public KernelConfig only(Collection<String> symbols) {
    Map<String, String> kept = new TreeMap<>();
    symbols.forEach(s -> value(s).ifPresent(v -> kept.put(s, v)));
    return new KernelConfig(kept);
  }
}
