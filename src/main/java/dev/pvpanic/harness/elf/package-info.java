/**
 * The harness's one ELF reader: the headers every ELF file starts with ({@link
 * dev.pvpanic.harness.elf.ElfHeaders}), the sections of an object such as a kernel module ({@link
 * dev.pvpanic.harness.elf.ElfSections}), a program's dynamic linking facts for the initramfs
 * builder ({@link dev.pvpanic.harness.elf.ElfFile}), a guest memory dump for the dump check ({@link
 * dev.pvpanic.harness.elf.ElfCore}), and the machine numbers of the architectures the harness boots
 * ({@link dev.pvpanic.harness.elf.ElfMachine}).
 *
 * <p>At the bottom of the layering: it depends on no other package of the harness but the root's
 * {@link dev.pvpanic.harness.HarnessException}, so a malformed file fails like every other harness
 * error.
 */
package dev.pvpanic.harness.elf;
