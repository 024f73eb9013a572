package dev.pvpanic.harness.image;

import dev.pvpanic.harness.image.initramfs.KernelModules;
import dev.pvpanic.harness.image.kmod.ModuleInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel package's own modules a trigger loads at run time (not at boot): the {@code i6300esb}
 * watchdog driver and the modules it depends on ({@code watchdog.ko} where Debian builds the
 * watchdog core as a module), in load order. Debian's packages ship no modules.dep (depmod makes it
 * at install), so dependencies come from each module's own {@code .modinfo depends=}.
 */
final class TriggerModules {
  /** The watchdog trigger's driver (drivers/watchdog/i6300esb.c). */
  static final String WATCHDOG = "i6300esb";

  /** Where the guest finds trigger modules ({@code <dir>/<name>.ko}). */
  static final String DIR = "/lib/modules/pvh/extra";

  private TriggerModules() {}

  /**
   * {@code name} and its dependencies from {@code tree}, dependencies first; empty (with the reason
   * in {@code notes}) when the tree lacks it or one of its dependencies (the kernel may have them
   * built in: a dependency that is no file is taken as built in only when no file claims it).
   */
  static Optional<List<PvpanicModules.ModuleFile>> withDependencies(
      Optional<KernelModules> tree, String name, Map<String, Object> notes) {
    if (tree.isEmpty()) {
      notes.put(name, "no modules tree in the kernel packages");
      return Optional.empty();
    }
    Map<String, PvpanicModules.ModuleFile> ordered = new LinkedHashMap<>();
    List<String> builtIn = new ArrayList<>();
    if (!add(tree.get(), name, ordered, builtIn, 0)) {
      notes.put(name, "not in the kernel packages (built in, or not built)");
      return Optional.empty();
    }
    notes.put(
        name,
        "from the kernel package, load order "
            + ordered.keySet()
            + (builtIn.isEmpty() ? "" : ", taken as built in: " + builtIn));
    return Optional.of(List.copyOf(ordered.values()));
  }

  private static boolean add(
      KernelModules tree,
      String name,
      Map<String, PvpanicModules.ModuleFile> ordered,
      List<String> builtIn,
      int depth) {
    if (ordered.containsKey(name) || depth > 8) {
      return true;
    }
    Optional<Path> file = tree.locate(name);
    if (file.isEmpty()) {
      return false;
    }
    byte[] plain = KernelModules.decompress(file.get());
    String depends = ModuleInfo.parse(file.get(), plain).first("depends").orElse("");
    for (String dep : depends.split(",")) {
      if (dep.isBlank()) {
        continue;
      }
      if (!add(tree, dep.strip(), ordered, builtIn, depth + 1)) {
        builtIn.add(dep.strip());
      }
    }
    ordered.put(name, new PvpanicModules.ModuleFile(name, plain));
    return true;
  }
}
