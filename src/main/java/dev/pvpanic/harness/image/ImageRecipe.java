package dev.pvpanic.harness.image;

import dev.pvpanic.harness.machine.Architecture;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What one guest image is made of: an architecture, a kernel (a Debian package, or a user's own
 * build), the Debian suite the userland (busybox-static, kexec-tools) comes from, the default
 * kernel command line, and how the pvpanic driver comes to be.
 *
 * @param version the kernel series the recipe promises ("6.12", "7"): the boot test checks the
 *     guest's {@code uname -r} against it
 * @param triggerModules whether the image carries the trigger modules built out of tree against the
 *     kernel's headers (the {@code oops} triggers' {@code pvh_oops}): YAML {@code triggerModules:
 *     build} or {@code none}; by default {@code build} exactly when {@code pvpanic: build} (which
 *     pins the headers anyway)
 */
public record ImageRecipe(
    String name,
    Architecture arch,
    String version,
    KernelSource kernel,
    String userlandSuite,
    String cmdline,
    DriverPolicy pvpanic,
    Optional<Path> file,
    boolean triggerModules,
    Userland userland) {

  /** A recipe of the minimal userland (every recipe file's). */
  public ImageRecipe(
      String name,
      Architecture arch,
      String version,
      KernelSource kernel,
      String userlandSuite,
      String cmdline,
      DriverPolicy pvpanic,
      Optional<Path> file,
      boolean triggerModules) {
    this(
        name,
        arch,
        version,
        kernel,
        userlandSuite,
        cmdline,
        pvpanic,
        file,
        triggerModules,
        Userland.MINIMAL);
  }

  /** This recipe on {@code u}: the same kernel, the image built for that userland. */
  public ImageRecipe withUserland(Userland u) {
    return new ImageRecipe(
        name, arch, version, kernel, userlandSuite, cmdline, pvpanic, file, triggerModules, u);
  }

  /** This recipe booted with {@code line} as its kernel command line. */
  public ImageRecipe withCmdline(String line) {
    return new ImageRecipe(
        name, arch, version, kernel, userlandSuite, line, pvpanic, file, triggerModules, userland);
  }

  /** The name its image is built and cached under ({@link Userland#imageName}). */
  public String imageName() {
    return userland.imageName(name);
  }

  /**
   * Whether the image is built from the kernel's headers (its lock then pins them, kbuild and the
   * kernel suite's toolchain): to build pvpanic, or the trigger modules ({@code pvh_oops}) alone.
   */
  public boolean buildsModules() {
    return pvpanic.builds() || triggerModules;
  }

  /** Where the kernel comes from. */
  public sealed interface KernelSource permits DebianKernel, LocalKernel, LocalDeb, LocalBuild {}

  /** A kernel package (concrete or meta, e.g. {@code linux-image-amd64}) from a Debian suite. */
  public record DebianKernel(String suite, String pkg, Optional<String> exactVersion)
      implements KernelSource {}

  /**
   * A user's own build named file by file: a kernel image and optionally its modules folder ({@code
   * lib/modules/<ver>}, or an {@code INSTALL_MOD_PATH}) and its config.
   */
  public record LocalKernel(Path image, Optional<Path> modules, Optional<Path> config)
      implements KernelSource {}

  /**
   * A Linux build folder (in-tree or {@code O=}); its modules from {@code make modules_install}, or
   * from {@code modules} when given.
   */
  public record LocalBuild(Path folder, Optional<Path> modules) implements KernelSource {}

  /** A user's own kernel .deb. */
  public record LocalDeb(Path deb) implements KernelSource {}

  /** How the guest gets its pvpanic driver. */
  public enum DriverPolicy {
    /** The kernel's own driver, built in or as modules; none when the kernel has none. */
    AUTO,
    /** Compile pvpanic.ko and pvpanic-pci.ko out of tree when the kernel lacks them. */
    BUILD,
    /**
     * {@link #BUILD}, with every {@code MODULE_DEVICE_TABLE} removed from the sources first: an
     * injected regression, the driver that never autoloads ("misc/pvpanic-pci: Allow automatic
     * loading", 2021). The module still binds when loaded by hand; udev's coldplug never loads it.
     */
    BUILD_WITHOUT_DEVICE_TABLE,
    /** Never load a pvpanic driver (a negative control even on kernels that have one). */
    NONE;

    /** Whether the harness compiles the driver out of tree. */
    public boolean builds() {
      return this == BUILD || this == BUILD_WITHOUT_DEVICE_TABLE;
    }

    public static DriverPolicy parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "unknown pvpanic policy '"
                + text
                + "'; valid: auto, build, build-without-device-table, none",
            e);
      }
    }
  }
}
