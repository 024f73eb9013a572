package dev.pvpanic.harness.oracle;

/** The guest's CPU architecture, as far as it changes what pvpanic and power-off do. */
public enum Architecture {
  X86_64,
  AARCH64,
  RISCV64
}
