/**
 * Builds kernel modules a Debian kernel lacks (pvpanic for Debian's arm64 kernels, which have
 * {@code # CONFIG_PVPANIC is not set}) out of tree, from the kernel's own source, against its own
 * headers, with the compiler it was built with: every piece from Debian packages.
 *
 * <p>Entry point: {@link dev.pvpanic.harness.image.kmod.OutOfTreeModuleBuild}. It never installs a
 * package: the headers, headers-common and kbuild {@code .deb}s are extracted side by side into one
 * private folder, which {@link dev.pvpanic.harness.image.kmod.HeaderTree} makes self-contained.
 */
package dev.pvpanic.harness.image.kmod;
