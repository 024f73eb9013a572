package dev.pvpanic.harness.matrix;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The matrix axes a guest config may name, with the values each accepts. {@code recipe} and {@code
 * machine_type} take free values ({@code recipe} is checked against images/recipes).
 */
public enum Axis {
  RECIPE("recipe", List.of()),
  KDUMP("kdump", List.of("no", "yes")),
  POST_NOTIFIERS("post_notifiers", List.of("off", "cmdline", "runtime")),
  DEVICE("device", List.of("none", "isa", "pci")),
  EVENTS("events", List.of("default", "0", "1", "2", "3", "4", "5", "6", "7")),
  PANIC("panic", List.of("default", "pause", "none", "shutdown", "exit-failure")),
  SHUTDOWN("shutdown", List.of("default", "poweroff", "pause", "no-shutdown")),
  /** One value per trigger type ({@link dev.pvpanic.harness.oracle.Trigger#ids}). */
  TRIGGER("trigger", dev.pvpanic.harness.oracle.Trigger.ids()),
  /** QEMU's {@code -action watchdog=} for the watchdog trigger; {@code default} gives none. */
  WATCHDOG(
      "watchdog",
      List.of("default", "reset", "shutdown", "poweroff", "pause", "debug", "none", "inject-nmi")),
  ACPI("acpi", List.of("on", "off")),
  /**
   * What runs above the kernel: the harness's busybox initramfs, or a Debian system on a disk
   * (systemd, udev, kdump-tools, makedumpfile) as users deploy it.
   */
  USERLAND("userland", List.of("minimal", "debian")),
  /**
   * What the harness does once the cell is judged: nothing, reset and resume the VM ({@code
   * recover}), or collect and check its registers and memory dump ({@code dump}).
   */
  AFTER("after", List.of("none", "recover", "dump")),
  ACCELERATOR("accelerator", List.of("tcg", "kvm", "auto")),
  MACHINE_TYPE("machine_type", List.of()),
  QEMU("qemu", List.of()),
  /**
   * Kernel parameters appended to the recipe's command line, as a bug report gives them. The oracle
   * never reads them: a parameter that changes the outcome makes the cell fail.
   */
  KERNEL_ARGS("kernel_args", List.of()),
  /** QEMU arguments appended to the cell's command line (split at white space); see KERNEL_ARGS. */
  QEMU_ARGS("qemu_args", List.of());

  private final String key;
  private final List<String> valid;

  Axis(String key, List<String> values) {
    this.key = key;
    this.valid = values;
  }

  /** The name in YAML. */
  public String key() {
    return key;
  }

  /** The valid values; empty when the axis takes free values. */
  public List<String> validValues() {
    return valid;
  }

  /** The value a cell gets when a config does not name this axis. */
  public String defaultValue() {
    return switch (this) {
      case RECIPE -> "";
      case KDUMP -> "no";
      case POST_NOTIFIERS -> "off";
      case DEVICE -> "pci";
      case EVENTS, PANIC, SHUTDOWN, MACHINE_TYPE, WATCHDOG -> "default";
      case TRIGGER -> "sysrq-c";
      case ACPI -> "on";
      case USERLAND -> "minimal";
      case AFTER -> "none";
      // not a value a config may name: the run's pvh.accelerator, decided when the cell runs (CI on
      // runners with a usable /dev/kvm sets PVH_ACCELERATOR=auto), so no setting changes an id
      case ACCELERATOR -> "default";
      case QEMU -> "host";
      case KERNEL_ARGS, QEMU_ARGS -> "";
    };
  }

  /**
   * Whether {@code value} is this axis's default as reports show it: {@code tcg} counts for the
   * accelerator, as it does in a cell's id (reports written when an unnamed accelerator was
   * recorded as {@code tcg} keep their labels).
   */
  public boolean isDefault(String value) {
    return defaultValue().equals(value) || (this == ACCELERATOR && value.equals("tcg"));
  }

  public static Optional<Axis> byKey(String key) {
    return Arrays.stream(values()).filter(a -> a.key.equals(key)).findFirst();
  }

  public static String validKeys() {
    return Arrays.stream(values()).map(Axis::key).collect(Collectors.joining(", "));
  }

  /** Normalises YAML spellings (booleans, numbers) and checks the value. */
  public String normalise(Object raw, String where) {
    String v = String.valueOf(raw).strip();
    if (this == KDUMP) {
      v =
          switch (v) {
            case "true", "loaded" -> "yes";
            case "false", "not", "not-loaded" -> "no";
            default -> v;
          };
    }
    if (this == POST_NOTIFIERS && v.equals("false")) {
      v = "off"; // YAML 1.1 reads a bare off as a boolean
    }
    if (this == ACPI) {
      v =
          switch (v) {
            case "true" -> "on";
            case "false" -> "off";
            default -> v;
          };
    }
    if (!valid.isEmpty() && !valid.contains(v)) {
      throw new GuestConfigException(
          where
              + ": '"
              + v
              + "' is not a value of axis '"
              + key
              + "'; valid: "
              + String.join(", ", valid)
              + (raw instanceof Boolean
                  ? " (YAML reads a bare on/off/yes/no as a boolean: quote the value, e.g. \"off\")"
                  : "")
              + (raw instanceof Number && this == EVENTS
                  ? " (YAML reads a number with a leading 0 as octal: 010 is 8; write 1, 2, ...)"
                  : ""));
    }
    if (this == KERNEL_ARGS || this == QEMU_ARGS) {
      return v.replaceAll("\\s+", " ");
    }
    if (valid.isEmpty() && v.isEmpty()) {
      throw new GuestConfigException(where + ": axis '" + key + "' needs a value");
    }
    return v;
  }
}
