package dev.pvpanic.harness.elf;

/**
 * The {@code e_machine} numbers of the architectures the harness boots, as the ELF supplements
 * assign them (Linux's include/uapi/linux/elf-em.h). The readers report a file's machine as the
 * number it holds, so a file of any other machine still reads.
 */
public final class ElfMachine {
  /** x86_64 ({@code EM_X86_64}). */
  public static final int X86_64 = 62;

  /** aarch64 ({@code EM_AARCH64}). */
  public static final int AARCH64 = 183;

  /** RISC-V, 32 and 64 bit alike: the ELF class tells them apart ({@code EM_RISCV}). */
  public static final int RISCV = 243;

  private ElfMachine() {}
}
