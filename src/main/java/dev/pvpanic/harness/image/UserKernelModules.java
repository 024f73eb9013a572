package dev.pvpanic.harness.image;

import dev.pvpanic.harness.image.kmod.ModuleBuildException;
import dev.pvpanic.harness.image.kmod.TreeMake;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The kernel modules of a user's kernel: the {@code lib/modules/<release>} folder the user gave, or
 * the one the harness installs from a build folder with {@code make modules_install} (into a folder
 * of its own under the cache), and the check that every module the harness loads that the config
 * builds as {@code m} is among them.
 */
final class UserKernelModules {
  /**
   * Modules the harness loads, by config symbol: one the config says is {@code m} must be a file
   * among the tree's modules, else the image would silently go without it.
   */
  static final List<String[]> CONFIGURED_MODULES =
      List.of(
          new String[] {"CONFIG_PVPANIC_PCI", "pvpanic-pci", "drivers/misc/pvpanic/pvpanic-pci.ko"},
          new String[] {
            "CONFIG_PVPANIC_MMIO", "pvpanic-mmio", "drivers/misc/pvpanic/pvpanic-mmio.ko"
          },
          new String[] {"CONFIG_I6300ESB_WDT", "i6300esb", "drivers/watchdog/i6300esb.ko"});

  private UserKernelModules() {}

  /**
   * Modules the harness installed from a build tree: the {@code lib/modules/<release>} folder, the
   * folder to remove when done, and the command as the manifest records it.
   */
  record Installed(Path modules, Path work, String command) {}

  /**
   * Installs the modules of {@code tree} ({@code make modules_install}) into a new folder under
   * {@code cacheDir}; a failed or empty install is removed and refused, saying what to do.
   */
  static Installed install(
      String value, KernelBuildTree tree, Path folder, Path cacheDir, Consumer<String> log) {
    Path work;
    try {
      work =
          Files.createTempDirectory(
              Files.createDirectories(cacheDir.resolve("user-kernels")), "modules-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TreeMake make = tree.make();
    log.accept("installing the modules of " + folder + " (make modules_install) into " + work);
    try {
      make.modulesInstall(work.resolve("root"), work.resolve("modules_install.log"));
    } catch (ModuleBuildException e) {
      ImageBuilder.deleteTree(work);
      throw new RecipeException(
          value
              + ": 'make modules_install' failed in "
              + folder
              + "; build the modules first (make -C "
              + folder
              + " -j$(nproc) modules) or give a modules folder (build:"
              + folder
              + ",modules=DIR):\n"
              + e.getMessage(),
          e);
    }
    Path dir = work.resolve("root/lib/modules").resolve(tree.release());
    if (!Files.isDirectory(dir)) {
      ImageBuilder.deleteTree(work);
      throw new RecipeException(
          value
              + ": 'make modules_install' wrote no lib/modules/"
              + tree.release()
              + " (release from include/config/kernel.release); rebuild the tree");
    }
    return new Installed(dir, work, String.join(" ", installCommand(make)));
  }

  private static List<String> installCommand(TreeMake make) {
    return List.of(
        "make",
        "-C",
        make.folder().toString(),
        "ARCH=" + dev.pvpanic.harness.image.kmod.TreeMake.makeArch(make.arch()),
        "modules_install",
        "INSTALL_MOD_PATH=<cache>",
        "INSTALL_MOD_STRIP=1");
  }

  /**
   * The {@code lib/modules/<release>} folder in {@code given}: the folder itself (it holds {@code
   * modules.order} or {@code kernel/}), or the one release under its {@code lib/modules} (an {@code
   * INSTALL_MOD_PATH}), preferring {@code release} when several are there.
   */
  static Path folder(String value, Path given, Optional<String> release) {
    if (!Files.isDirectory(given)) {
      throw new RecipeException(
          value
              + ": the modules folder "
              + given
              + " does not exist; give lib/modules/<release> or the INSTALL_MOD_PATH of 'make"
              + " modules_install'");
    }
    if (Files.exists(given.resolve("modules.order"))
        || Files.isDirectory(given.resolve("kernel"))) {
      return given;
    }
    for (String sub : List.of("lib/modules", "usr/lib/modules")) {
      Path dir = given.resolve(sub);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> releases;
      try (Stream<Path> s = Files.list(dir)) {
        releases = s.filter(Files::isDirectory).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Optional<Path> wanted = release.map(dir::resolve).filter(Files::isDirectory);
      if (wanted.isPresent()) {
        return wanted.get();
      }
      if (releases.size() == 1) {
        return releases.get(0);
      }
      throw new RecipeException(
          value
              + ": "
              + dir
              + " holds the modules of "
              + releases.stream().map(p -> p.getFileName().toString()).toList()
              + "; give the one folder of the kernel's release");
    }
    throw new RecipeException(
        value
            + ": "
            + given
            + " holds no kernel modules (no modules.order, kernel/ or lib/modules/<release>);"
            + " give lib/modules/<release> or the INSTALL_MOD_PATH of 'make modules_install'");
  }

  /**
   * A module the config says is {@code m} but no file in {@code modules} provides: refused, naming
   * the file (and where {@code tree}, if any, builds it).
   */
  static void requireConfigured(
      String value,
      Optional<KernelConfig> parsed,
      Optional<Path> modules,
      Optional<KernelBuildTree> tree) {
    if (parsed.isEmpty()) {
      return;
    }
    for (String[] m : CONFIGURED_MODULES) {
      if (parsed.get().tristate(m[0]) != KernelConfig.Tristate.M) {
        continue;
      }
      String where =
          tree.map(t -> " (the tree builds it as " + t.folder().resolve(m[2]) + ")").orElse("");
      if (modules.isEmpty()) {
        throw new RecipeException(
            value
                + ": "
                + m[0]
                + "=m but no modules were given, so "
                + m[1]
                + ".ko is missing"
                + where
                + "; give the modules folder, or build the driver in ("
                + m[0]
                + "=y)");
      }
      if (find(modules.get(), m[1]).isEmpty()) {
        throw new RecipeException(
            value
                + ": "
                + m[0]
                + "=m but "
                + modules.get().resolve("kernel").resolve(m[2])
                + " does not exist"
                + where
                + "; build the tree's modules (make -j$(nproc) modules) or build the driver in ("
                + m[0]
                + "=y)");
      }
    }
  }

  /** The module file called {@code name} ('-' and '_' alike, any compression), if any. */
  static Optional<Path> find(Path dir, String name) {
    String wanted = name.replace('-', '_');
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p ->
                  p.getFileName()
                          .toString()
                          .replaceFirst("\\.ko(\\.(xz|zst|gz))?$", "")
                          .replace('-', '_')
                          .equals(wanted)
                      && p.getFileName().toString().contains(".ko"))
          .sorted()
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
