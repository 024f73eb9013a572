/**
 * The harness's one ELF reader: the headers every ELF file starts with ({@link
 * dev.pvpanic.harness.elf.ElfHeaders}), a program's dynamic linking facts for the initramfs builder
 * ({@link dev.pvpanic.harness.elf.ElfFile}) and a guest memory dump for the dump check ({@link
 * dev.pvpanic.harness.elf.ElfCore}).
 *
 * <p>At the bottom of the layering: it depends on no other package of the harness but the root's
 * {@link dev.pvpanic.harness.HarnessException}, so a malformed file fails like every other harness
 * error.
 */
package dev.pvpanic.harness.elf;
