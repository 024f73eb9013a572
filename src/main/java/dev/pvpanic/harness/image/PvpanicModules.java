package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe.DriverPolicy;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.initramfs.KernelModules;
import dev.pvpanic.harness.image.kmod.BuiltModules;
import dev.pvpanic.harness.image.kmod.CrossCompiler;
import dev.pvpanic.harness.image.kmod.ExtractedToolchain;
import dev.pvpanic.harness.image.kmod.KernelArch;
import dev.pvpanic.harness.image.kmod.KernelPackages;
import dev.pvpanic.harness.image.kmod.OutOfTreeModuleBuild;
import dev.pvpanic.harness.image.kmod.ToolchainPackages;
import dev.pvpanic.harness.oracle.ImageFacts;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The pvpanic modules an image brings: the kernel package's own, or none when the kernel has the
 * driver built in or the recipe wants none, or built out of tree from the kernel's own source; and
 * what the image's manifest then declares about them (the oracle's input).
 */
final class PvpanicModules {
  static final List<String> PVPANIC_MODULES = List.of("pvpanic", "pvpanic-mmio", "pvpanic-pci");

  private final DebianArchive archive;
  private final Consumer<String> log;
  private BuildKit kit;

  PvpanicModules(DebianArchive archive, Consumer<String> log) {
    this.archive = archive;
    this.log = log;
  }

  List<ModuleFile> of(
      ImageRecipe r, RecipePins pins, KernelFiles kernel, Path work, Map<String, Object> driver) {
    Optional<String> config = kernel.config("CONFIG_PVPANIC");
    driver.put("CONFIG_PVPANIC", config.orElse("not set"));
    // Which drivers a built-in pvpanic provides: the oracle derives the bound driver from these.
    for (String symbol : List.of("CONFIG_PVPANIC_MMIO", "CONFIG_PVPANIC_PCI")) {
      driver.put(symbol, kernel.config(symbol).orElse("not set"));
    }
    driver.put("kernelConfig", kernel.config().isPresent() ? "shipped" : "absent");
    List<ModuleFile> modules = new ArrayList<>();
    if (r.pvpanic() == DriverPolicy.NONE) {
      driver.put("origin", "none");
      return modules;
    }
    Optional<KernelModules> tree = kernel.modules();
    for (String name : PVPANIC_MODULES) {
      Optional<Path> found = tree.flatMap(t -> t.locate(name));
      found.ifPresent(p -> modules.add(new ModuleFile(name, KernelModules.decompress(p))));
    }
    if (!modules.isEmpty()) {
      driver.put("origin", "module");
      return modules;
    }
    if (config.filter(v -> v.equals("y")).isPresent()) {
      driver.put("origin", "builtin");
      return modules;
    }
    if (!r.pvpanic().builds()) {
      // Without a config nothing says the kernel lacks a built-in driver: the oracle must not
      // assume none.
      driver.put("origin", kernel.config().isPresent() ? "none" : "unknown");
      return modules;
    }
    log.accept("building pvpanic modules out of tree for " + kernel.release());
    BuiltModules built;
    try {
      built = buildOutOfTree(pins, kernel, work, r.pvpanic());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path p : built.modules()) {
      String name = p.getFileName().toString().replaceFirst("\\.ko$", "");
      try {
        modules.add(new ModuleFile(name, Files.readAllBytes(p)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    // pvpanic-pci needs pvpanic's symbols: load pvpanic first
    modules.sort(
        (a, b) ->
            Integer.compare(PVPANIC_MODULES.indexOf(a.name()), PVPANIC_MODULES.indexOf(b.name())));
    driver.put("origin", "out-of-tree");
    if (r.pvpanic() == DriverPolicy.BUILD_WITHOUT_DEVICE_TABLE) {
      driver.put("injected", "built without MODULE_DEVICE_TABLE: no aliases, never autoloaded");
    }
    driver.put("provenance", built.provenance());
    return modules;
  }

  private BuiltModules buildOutOfTree(
      RecipePins pins, KernelFiles kernel, Path work, DriverPolicy policy) throws IOException {
    if (pins.moduleBuild().isEmpty()) {
      throw new HarnessException(
          "the kernel has no pvpanic driver and the lock pins no headers/source to build one;"
              + " re-run 'images lock'");
    }
    BuildKit kit = kit(pins, kernel, work);
    Path source =
        kit.source()
            .orElseThrow(
                () ->
                    new HarnessException(
                        "the lock pins no linux-source package for " + kernel.release()));
    OutOfTreeModuleBuild build =
        new OutOfTreeModuleBuild(kit.headerRoot(), source, kit.packages(), kit.compiler());
    if (policy == DriverPolicy.BUILD_WITHOUT_DEVICE_TABLE) {
      build = build.withoutDeviceTables();
    }
    return build.run(work.resolve("kmod"));
  }

  /**
   * What an out-of-tree module is built with: the kernel's pinned headers extracted under {@code
   * work}, its linux-source .deb when the lock pins one, and the compiler (the kernel suite's
   * pinned toolchain, else, for a lock entry written before toolchains were pinned, the host's
   * cross gcc of the kernel's own major version).
   */
  record BuildKit(
      Path headerRoot, Optional<Path> source, KernelPackages packages, CrossCompiler compiler) {}

  /**
   * The kit for {@code work}, set up once per image: the pvpanic build and the oops module's build
   * share its headers and extracted toolchain (tens of seconds each to set up).
   */
  BuildKit kit(RecipePins pins, KernelFiles kernel, Path work) throws IOException {
    if (kit == null) {
      kit = newKit(pins, kernel, work);
    }
    return kit;
  }

  private BuildKit newKit(RecipePins pins, KernelFiles kernel, Path work) throws IOException {
    Path headerRoot = work.resolve("headers");
    Path source = null;
    List<Path> toolchainDebs = new ArrayList<>();
    List<String> toolchainNames = new ArrayList<>();
    for (LockedPackage p : pins.moduleBuild()) {
      Path deb = archive.fetch(p);
      if (ToolchainPackages.isToolchain(p.name())) {
        toolchainDebs.add(deb);
        toolchainNames.add(p.name());
      } else if (p.name().startsWith("linux-source-")) {
        // the cache names blobs by hash; the source reader recognises a .deb by its name
        source = Files.createSymbolicLink(work.resolve(p.name() + ".deb"), deb);
      } else {
        DebFile.extract(deb, headerRoot, path -> true);
      }
    }
    KernelPackages packages =
        KernelPackages.forRelease(
            kernel.release(),
            pins.moduleBuild().stream()
                .filter(p -> p.name().equals("linux-headers-" + kernel.release()))
                .map(LockedPackage::version)
                .findFirst()
                .orElse(pins.moduleBuild().get(0).version()));
    CrossCompiler cc =
        toolchainDebs.isEmpty()
            ? CrossCompiler.find(packages.arch().debianArch(), gccMajor(kernel))
            : pinnedToolchain(toolchainDebs, toolchainNames, packages, headerRoot, work);
    return new BuildKit(headerRoot, Optional.ofNullable(source), packages, cc);
  }

  /**
   * The kernel suite's own cross toolchain, pinned with the headers: extracted into the work folder
   * and wrapped to run through its own C library; kbuild's host tools (fixdep, modpost...), built
   * against that same newer C library, are wrapped the same way.
   */
  CrossCompiler pinnedToolchain(
      List<Path> debs, List<String> names, KernelPackages packages, Path headerRoot, Path work) {
    int major =
        ToolchainPackages.gccMajorOfPins(names, packages.arch())
            .orElseThrow(
                () ->
                    new HarnessException(
                        "the lock pins a toolchain for "
                            + packages.release()
                            + " without its gcc: "
                            + names
                            + "; re-run 'images lock'"));
    KernelArch host = KernelArch.parse(Settings.hostArch());
    log.accept("extracting the pinned gcc-" + major + " toolchain for " + packages.release());
    ExtractedToolchain toolchain =
        ExtractedToolchain.extract(debs, work.resolve("toolchain"), packages.arch(), major, host);
    Path kbuild = headerRoot.resolve("usr/lib/" + packages.kbuild());
    if (Files.isDirectory(kbuild)) {
      toolchain.wrapExecutables(kbuild);
    }
    return toolchain.compiler();
  }

  /**
   * The gcc major version the kernel was built with (its config's {@code CONFIG_GCC_VERSION}, e.g.
   * 140200), so the cross compiler of that version is looked for: bookworm's gcc-12 for the 6.12
   * backports, gcc-14 for trixie's kernels. Without a config, the default.
   */
  static int gccMajor(KernelFiles kernel) {
    return kernel
        .config("CONFIG_GCC_VERSION")
        .filter(v -> v.matches("\\d+"))
        .map(v -> Integer.parseInt(v) / 10000)
        .filter(major -> major > 0)
        .orElse(CrossCompiler.DEFAULT_GCC_MAJOR);
  }

  /** What the manifest declares about the kernel and its pvpanic drivers, for the oracle. */
  static ImageFacts imageFacts(Map<?, ?> manifest) {
    List<String> modules = new ArrayList<>();
    if (manifest.get("modules") instanceof List<?> list) {
      list.forEach(m -> modules.add(String.valueOf(m)));
    }
    Map<String, String> config = new LinkedHashMap<>();
    if (manifest.get("driverDetails") instanceof Map<?, ?> details) {
      details.forEach(
          (k, v) -> {
            if (String.valueOf(k).startsWith("CONFIG_") && !"not set".equals(v)) {
              config.put(String.valueOf(k), String.valueOf(v));
            }
          });
    }
    java.util.Set<String> triggerModules = new java.util.TreeSet<>();
    if (manifest.get("triggerModules") instanceof List<?> list) {
      list.forEach(m -> triggerModules.add(String.valueOf(m)));
    }
    ImageFacts facts =
        ImageFacts.fromManifest(
                String.valueOf(manifest.get("kernelRelease")),
                String.valueOf(manifest.get("driver")),
                modules,
                config)
            .withTriggerModules(triggerModules);
    if (manifest.get("kernelConfig") instanceof Map<?, ?> recorded) {
      Map<String, String> values = new LinkedHashMap<>();
      recorded.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
      facts = facts.withConfig(new KernelConfig(values));
    }
    if (UserKernels.KINDS.contains(String.valueOf(manifest.get("kernelSource")))) {
      facts = facts.expectingDriver();
    }
    return facts;
  }

  /** A module as it goes into the image (decompressed). */
  record ModuleFile(String name, byte[] content) {}
}
