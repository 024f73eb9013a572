package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.elf.ElfMachine;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** A guest architecture and the QEMU defaults that go with it. */
public enum Architecture {
  X86_64("x86_64", "qemu-system-x86_64", "q35", Optional.empty(), "amd64", ElfMachine.X86_64),
  // cortex-a57 boots about 3x faster than -cpu max under TCG (FACTS.md).
  AARCH64(
      "aarch64",
      "qemu-system-aarch64",
      "virt",
      Optional.of("cortex-a57"),
      "arm64",
      ElfMachine.AARCH64),
  // QEMU's riscv64 default CPU (rv64) on virt, with OpenSBI (-bios default) as the firmware.
  RISCV64("riscv64", "qemu-system-riscv64", "virt", Optional.empty(), "riscv64", ElfMachine.RISCV);

  private final String id;
  private final String qemuBinary;
  private final String defaultMachineType;
  private final Optional<String> defaultCpu;
  private final String debianArch;
  private final int elfMachine;

  Architecture(
      String id,
      String qemuBinary,
      String defaultMachineType,
      Optional<String> defaultCpu,
      String debianArch,
      int elfMachine) {
    this.id = id;
    this.qemuBinary = qemuBinary;
    this.defaultMachineType = defaultMachineType;
    this.defaultCpu = defaultCpu;
    this.debianArch = debianArch;
    this.elfMachine = elfMachine;
  }

  /**
   * The name {@code uname -m} prints and configs use: {@code x86_64}, {@code aarch64}, {@code
   * riscv64}.
   */
  public String id() {
    return id;
  }

  public String qemuBinary() {
    return qemuBinary;
  }

  public String defaultMachineType() {
    return defaultMachineType;
  }

  public Optional<String> defaultCpu() {
    return defaultCpu;
  }

  /** Debian's name for the architecture: {@code amd64}, {@code arm64}, {@code riscv64}. */
  public String debianArch() {
    return debianArch;
  }

  /** {@code e_machine} of the guest's ELF files: its kernel, its programs, a dump of its memory. */
  public int elfMachine() {
    return elfMachine;
  }

  /** The architecture of the JVM's host, if it is one of ours. */
  public static Optional<Architecture> host() {
    return fromHostName(Settings.hostArch());
  }

  /** Java's name of a host architecture ({@code os.arch}) as ours, if it is one of ours. */
  static Optional<Architecture> fromHostName(String os) {
    return switch (os.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> Optional.of(X86_64);
      case "aarch64", "arm64" -> Optional.of(AARCH64);
      case "riscv64" -> Optional.of(RISCV64);
      default -> Optional.empty();
    };
  }

  /** Parses {@code x86_64}/{@code amd64}, {@code aarch64}/{@code arm64} or {@code riscv64}. */
  public static Architecture parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (Architecture a : values()) {
      if (a.id.equals(t) || a.debianArch.equals(t)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown architecture '"
            + text
            + "'; valid: "
            + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
