package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.image.kmod.ModuleInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What depmod would write for the image's pvpanic modules, for the guest's coldplug (images/guest/
 * init load_modules): each module's aliases from its own {@code .modinfo} ({@code
 * MODULE_DEVICE_TABLE} puts them there: {@code pci:v00001B36d00000011sv*sd*bc*sc*i*} for
 * pvpanic-pci, {@code acpi*:QEMU0001:*} for pvpanic-mmio) and the listed modules it depends on
 * ({@code depends=}). A module without aliases is loaded only as another's dependency, so a driver
 * whose device table was lost never loads, as on a real system; the oracle, which expects the
 * driver the manifest lists to bind, then sees it missing.
 *
 * @param aliases per module (its file name without {@code .ko}), its alias patterns
 * @param depends per module, the listed modules it depends on
 */
record ModuleAliases(Map<String, List<String>> aliases, Map<String, List<String>> depends) {

  static ModuleAliases of(List<PvpanicModules.ModuleFile> modules) {
    Map<String, String> byKernelName = new LinkedHashMap<>();
    modules.forEach(m -> byKernelName.put(kernelName(m.name()), m.name()));
    Map<String, List<String>> aliases = new LinkedHashMap<>();
    Map<String, List<String>> depends = new LinkedHashMap<>();
    for (PvpanicModules.ModuleFile m : modules) {
      ModuleInfo info;
      try {
        info = ModuleInfo.parse(Path.of(m.name() + ".ko"), m.content());
      } catch (HarnessException e) {
        throw new HarnessException(
            "cannot read the aliases of module " + m.name() + ": " + e.getMessage(), e);
      }
      aliases.put(m.name(), info.fields().getOrDefault("alias", List.of()));
      List<String> deps = new ArrayList<>();
      for (String d : info.first("depends").orElse("").split(",")) {
        String listed = byKernelName.get(kernelName(d.strip()));
        if (listed != null) {
          deps.add(listed);
        }
      }
      depends.put(m.name(), deps);
    }
    return new ModuleAliases(aliases, depends);
  }

  /** The kernel's name of a module: dashes and underscores are one (kernel/module: strreplace). */
  static String kernelName(String name) {
    return name.replace('-', '_').toLowerCase(Locale.ROOT);
  }

  /** {@code <module> <pattern>} lines. */
  String aliasFile() {
    StringBuilder sb = new StringBuilder();
    aliases.forEach(
        (m, patterns) -> patterns.forEach(a -> sb.append(m).append(' ').append(a).append('\n')));
    return sb.toString();
  }

  /** {@code <module> <dep> ...} lines, one per module with dependencies. */
  String depFile() {
    StringBuilder sb = new StringBuilder();
    depends.forEach(
        (m, deps) -> {
          if (!deps.isEmpty()) {
            sb.append(m).append(' ').append(String.join(" ", deps)).append('\n');
          }
        });
    return sb.toString();
  }
}
