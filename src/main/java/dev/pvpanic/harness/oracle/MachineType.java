package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code -machine} type name. Versioned types ({@code pc-q35-5.1}, {@code pc-i440fx-7.2}, {@code
 * virt-9.0}) freeze guest-visible defaults at that QEMU release through compat properties
 * (hw/core/machine.c {@code hw_compat_X_Y}); unversioned aliases ({@code q35}, {@code pc}, {@code
 * virt}) are the newest.
 */
public record MachineType(String name) {

  private static final Pattern TRAILING_VERSION = Pattern.compile("-(\\d+)\\.(\\d+)$");

  public MachineType {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "machine type is empty (expected e.g. q35, pc-q35-5.1, virt-9.0)");
    }
    name = name.strip();
  }

  /** The release this type is frozen at; empty for an unversioned alias. */
  public Optional<QemuVersion> version() {
    Matcher m = TRAILING_VERSION.matcher(name);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        QemuVersion.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), 0));
  }

  /** True when this is a versioned type of {@code major.minor} or older. */
  public boolean atMost(int major, int minor) {
    return version().map(v -> v.compareTo(QemuVersion.of(major, minor, 0)) <= 0).orElse(false);
  }

  /**
   * The architectures a known machine family belongs to; empty when the name is not one. {@code
   * virt} is a family of both hw/arm/virt.c and hw/riscv/virt.c; the build's {@code query-machines}
   * says which names of it exist.
   */
  public Set<Architecture> architectures() {
    if (name.startsWith("pc") || name.startsWith("q35") || name.startsWith("microvm")) {
      return EnumSet.of(Architecture.X86_64);
    }
    if (name.startsWith("virt")) {
      return EnumSet.of(Architecture.AARCH64, Architecture.RISCV64);
    }
    return EnumSet.noneOf(Architecture.class);
  }

  @Override
  public String toString() {
    return name;
  }
}
