package dev.pvpanic.harness.image;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.ImageFacts;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A built guest image: the kernel QEMU boots, the initramfs with the guest's init (which carries
 * the same kernel and a capture initramfs for kdump), and the manifest saying what went in.
 *
 * @param kernelRelease the kernel's {@code uname -r}, as found in the package
 * @param driver how the pvpanic driver came to be: {@code builtin}, {@code module}, {@code
 *     out-of-tree} or {@code none}
 * @param id the content hash the image is cached under
 * @param facts what the manifest declares (kernel version, the pvpanic drivers it brings): the
 *     oracle's input, never what the guest reports
 */
public record GuestImage(
    ImageRecipe recipe,
    Path kernel,
    Path initrd,
    Path manifest,
    String kernelRelease,
    String driver,
    String id,
    ImageFacts facts,
    Optional<SystemDisk> system) {

  /**
   * The debian userland's disk (attached read-only, every cell's writes in a throw-away overlay)
   * and what its system declares.
   */
  public record SystemDisk(Path disk, SystemFacts facts) {}

  /** An image of the minimal userland: everything in its initramfs. */
  public GuestImage(
      ImageRecipe recipe,
      Path kernel,
      Path initrd,
      Path manifest,
      String kernelRelease,
      String driver,
      String id,
      ImageFacts facts) {
    this(recipe, kernel, initrd, manifest, kernelRelease, driver, id, facts, Optional.empty());
  }

  public Userland userland() {
    return system.isPresent() ? Userland.DEBIAN : Userland.MINIMAL;
  }

  public Architecture arch() {
    return recipe.arch();
  }

  /** Whether the image brings a pvpanic driver at all. */
  public boolean hasDriver() {
    return !driver.equals("none");
  }
}
