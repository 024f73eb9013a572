/**
 * Turns extracted Debian packages into a bootable initramfs: a deterministic cpio "newc" archive
 * ({@link dev.pvpanic.harness.image.initramfs.CpioNewcWriter}, {@link
 * dev.pvpanic.harness.image.initramfs.InitramfsBuilder}), the shared libraries a dynamically linked
 * program needs ({@link dev.pvpanic.harness.elf.ElfFile}, {@link
 * dev.pvpanic.harness.image.initramfs.SharedLibraryClosure}) and plain kernel modules ({@link
 * dev.pvpanic.harness.image.initramfs.KernelModules}).
 *
 * <p>Everything here reads foreign-architecture files as data: nothing is executed on the host, so
 * an aarch64 image is assembled on an x86_64 machine the same way as an x86_64 one.
 */
package dev.pvpanic.harness.image.initramfs;
