package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.elf.ElfMachine;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A kernel architecture as each tool names it: kbuild's {@code ARCH}, the GNU triplet of Debian's
 * cross compilers, the kernel config symbol, and the ELF machine of its modules.
 */
public enum KernelArch {
  ARM64("arm64", "aarch64-linux-gnu-", "CONFIG_ARM64", ElfMachine.AARCH64, "arm64", "aarch64"),
  RISCV64("riscv", "riscv64-linux-gnu-", "CONFIG_RISCV", ElfMachine.RISCV, "riscv64", "riscv64"),
  X86_64("x86", "x86_64-linux-gnu-", "CONFIG_X86_64", ElfMachine.X86_64, "amd64", "x86_64");

  private final String kbuildArch;
  private final String crossPrefix;
  private final String configSymbol;
  private final int elfMachine;
  private final String debianArch;
  private final String unameMachine;

  KernelArch(
      String kbuildArch,
      String crossPrefix,
      String configSymbol,
      int elfMachine,
      String debianArch,
      String unameMachine) {
    this.kbuildArch = kbuildArch;
    this.crossPrefix = crossPrefix;
    this.configSymbol = configSymbol;
    this.elfMachine = elfMachine;
    this.debianArch = debianArch;
    this.unameMachine = unameMachine;
  }

  /** Accepts the Debian name (arm64, amd64) or the machine name (aarch64, x86_64). */
  public static KernelArch parse(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (KernelArch a : values()) {
      if (a.debianArch.equals(n) || a.unameMachine.equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown architecture '"
            + name
            + "' (expected one of "
            + Arrays.stream(values())
                .map(a -> a.debianArch + "/" + a.unameMachine)
                .collect(Collectors.joining(", "))
            + ")");
  }

  /** kbuild's {@code ARCH=} value. */
  public String kbuildArch() {
    return kbuildArch;
  }

  /** The GNU triplet prefix of Debian's cross tools, e.g. {@code aarch64-linux-gnu-}. */
  public String crossPrefix() {
    return crossPrefix;
  }

  /** The config symbol set in a kernel built for this architecture. */
  public String configSymbol() {
    return configSymbol;
  }

  /** {@code e_machine} of this architecture's ELF files. */
  public int elfMachine() {
    return elfMachine;
  }

  /** Debian's name of the architecture (package suffixes, kernel flavours). */
  public String debianArch() {
    return debianArch;
  }
}
