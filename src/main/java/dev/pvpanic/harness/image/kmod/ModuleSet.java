package dev.pvpanic.harness.image.kmod;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Kernel source files that build into modules on their own, outside the kernel tree.
 *
 * @param sourceDir where the files live in the kernel tree, e.g. {@code drivers/misc/pvpanic}
 * @param sourceFiles the files to take from there (flat names)
 * @param modules the module names kbuild makes of them ({@code pvpanic} gives {@code pvpanic.ko})
 * @param dropDeviceTables whether {@link #withoutDeviceTables} took their device tables out
 */
public record ModuleSet(
    String sourceDir, List<String> sourceFiles, List<String> modules, boolean dropDeviceTables) {

  public ModuleSet(String sourceDir, List<String> sourceFiles, List<String> modules) {
    this(sourceDir, sourceFiles, modules, false);
  }

  /**
   * The pvpanic core and its PCI driver (pvpanic-pci depends on pvpanic's exported symbols). The
   * MMIO driver is left out: QEMU's arm64 {@code virt} machine has no MMIO pvpanic device.
   */
  public static final ModuleSet PVPANIC =
      new ModuleSet(
          "drivers/misc/pvpanic",
          List.of("pvpanic.c", "pvpanic-pci.c", "pvpanic.h"),
          List.of("pvpanic", "pvpanic-pci"));

  public ModuleSet {
    sourceFiles = List.copyOf(sourceFiles);
    modules = List.copyOf(modules);
  }

  /**
   * The same modules with every {@code MODULE_DEVICE_TABLE(...)} line removed from their sources:
   * no aliases in their .modinfo, so nothing loads them by a device's modalias (an injected
   * regression; see ImageRecipe.DriverPolicy.BUILD_WITHOUT_DEVICE_TABLE).
   */
  public ModuleSet withoutDeviceTables() {
    return new ModuleSet(sourceDir, sourceFiles, modules, true);
  }

  /** {@code source} as this set builds it. */
  String prepare(String source) {
    if (!dropDeviceTables) {
      return source;
    }
    return source
        .lines()
        .filter(l -> !l.strip().startsWith("MODULE_DEVICE_TABLE("))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /**
   * The Kbuild file for {@code M=<dir>}. It names the modules directly ({@code obj-m}) instead of
   * the in-tree {@code obj-$(CONFIG_PVPANIC_PCI)}, so no {@code CONFIG_*} needs setting on the make
   * command line.
   */
  public String kbuild() {
    return "# Written by pvpanic-harness: out-of-tree build of "
        + sourceDir
        + "\n"
        + "obj-m += "
        + modules.stream().map(m -> m + ".o").collect(Collectors.joining(" "))
        + "\n";
  }
}
