/**
 * QEMU builds taken from Debian packages ({@code qemu: debian:<suite>[=<version>]}): which packages
 * a build is made of ({@link dev.pvpanic.harness.image.qemu.DebianQemuPackages}), pinned in the
 * lock file and extracted into the content store ({@link
 * dev.pvpanic.harness.image.qemu.DebianQemu}), run from there with the host's shared libraries.
 */
package dev.pvpanic.harness.image.qemu;
