package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;

/**
 * How the capture kernel is loaded, from the kernel's own config: kexec_load ({@code kexec -p -i},
 * no checksums: kexec-tools hashes nothing at load and its purgatory verifies nothing at the crash)
 * wherever the kernel has {@code CONFIG_KEXEC}, else on x86_64 kexec_file_load ({@code kexec -p
 * -s}, which hashes the ~14 MB of kernel and capture initramfs at load and again in its purgatory:
 * under TCG the load takes 1.2-1.8 s instead of 0.4-0.7 s). arm64 has no kexec_file_load for a
 * crash kernel here ({@code -s} fails), and riscv64 neither.
 */
public enum KexecLoad {
  KEXEC_LOAD("-i", "CONFIG_KEXEC"),
  KEXEC_FILE_LOAD("-s", "CONFIG_KEXEC_FILE");

  private final String flag;
  private final String symbol;

  KexecLoad(String flag, String symbol) {
    this.flag = flag;
    this.symbol = symbol;
  }

  /** The load for a kernel of {@code arch} with {@code config}. */
  public static KexecLoad of(Architecture arch, KernelConfig config) {
    return arch == Architecture.X86_64 && !config.builtIn("CONFIG_KEXEC")
        ? KEXEC_FILE_LOAD
        : KEXEC_LOAD;
  }

  /**
   * The load when the kernel's config may be unknown (an image whose manifest records none): then
   * x86_64 keeps kexec_file_load, which every x86_64 kernel the harness has met enables.
   */
  public static KexecLoad of(Architecture arch, Derived<KernelConfig> config) {
    return config
        .map(c -> of(arch, c))
        .orElse(arch == Architecture.X86_64 ? KEXEC_FILE_LOAD : KEXEC_LOAD);
  }

  /** kexec's flag: {@code -i} or {@code -s}. */
  public String flag() {
    return flag;
  }

  /** The config symbol the kernel needs for it. */
  public String symbol() {
    return symbol;
  }
}
