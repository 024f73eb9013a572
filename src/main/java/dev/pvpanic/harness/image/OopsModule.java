package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.kmod.BuiltModules;
import dev.pvpanic.harness.image.kmod.OutOfTreeModuleBuild;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The oops trigger's crasher module, {@code pvh_oops} (source: images/guest/oops), built out of
 * tree against the kernel's own headers, like the arm64 pvpanic modules. Only a recipe whose lock
 * pins headers to build with ({@code moduleBuild}: {@code pvpanic: build} or {@code triggerModules:
 * build}) gets it; any other image goes without, its manifest says why, and an oops cell on it is
 * refused before boot.
 */
final class OopsModule {
  static final String NAME = "pvh_oops";

  private OopsModule() {}

  /** The module, or empty with the reason in {@code notes}. Never fails the image. */
  static Optional<PvpanicModules.ModuleFile> build(
      PvpanicModules modules,
      RecipePins pins,
      KernelFiles kernel,
      Path work,
      Path sources,
      Map<String, Object> notes,
      Consumer<String> log) {
    if (!Files.isDirectory(sources)) {
      notes.put(NAME, "no module source at " + sources);
      return Optional.empty();
    }
    if (pins.moduleBuild().isEmpty()) {
      notes.put(
          NAME,
          "not built: the lock pins no kernel headers for this recipe (pvpanic: build or"
              + " triggerModules: build pins them)");
      return Optional.empty();
    }
    log.accept("building " + NAME + " out of tree for " + kernel.release());
    try {
      Path oopsWork = Files.createDirectories(work.resolve("oops"));
      PvpanicModules.BuildKit kit = modules.kit(pins, kernel, work);
      // runOwn reads the module's own sources, not the kernel's: the header root stands in
      BuiltModules built =
          new OutOfTreeModuleBuild(
                  kit.headerRoot(), kit.headerRoot(), kit.packages(), kit.compiler())
              .runOwn(oopsWork.resolve("kmod"), sources, List.of(NAME));
      Path ko = built.modules().get(0);
      notes.put(NAME, Map.of("origin", "out-of-tree", "provenance", built.provenance()));
      return Optional.of(new PvpanicModules.ModuleFile(NAME, Files.readAllBytes(ko)));
    } catch (HarnessException | IllegalArgumentException | IllegalStateException e) {
      notes.put(NAME, "not built: " + e.getMessage());
      log.accept(NAME + " not built for " + kernel.release() + ": " + e.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The module built against a user's build folder itself ({@code make -C <folder> M=<copy>
   * modules}, the tree's own compiler and Module.symvers), in a copy of its sources under {@code
   * work}: nothing is written into the tree. Empty, with make's reason in {@code notes}, when it
   * does not build (a tree without CONFIG_MODULES, or whose modules were never built).
   */
  static Optional<PvpanicModules.ModuleFile> buildInTree(
      KernelBuildTree tree,
      Path work,
      Path sources,
      Map<String, Object> notes,
      Consumer<String> log) {
    if (!Files.isDirectory(sources)) {
      notes.put(NAME, "no module source at " + sources);
      return Optional.empty();
    }
    if (!tree.parsedConfig().builtIn("CONFIG_MODULES")) {
      notes.put(NAME, "not built: the tree's .config has no CONFIG_MODULES");
      return Optional.empty();
    }
    log.accept("building " + NAME + " against " + tree.folder());
    try {
      Path dir = Files.createDirectories(work.resolve("oops-tree"));
      try (java.util.stream.Stream<Path> files = Files.list(sources)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
      tree.make().externalModule(dir, work.resolve("oops-tree.log"));
      Path ko = dir.resolve(NAME + ".ko");
      if (!Files.isRegularFile(ko)) {
        notes.put(NAME, "not built: make wrote no " + NAME + ".ko");
        return Optional.empty();
      }
      notes.put(
          NAME,
          Map.of(
              "origin",
              "built against the tree",
              "command",
              "make -C " + tree.folder() + " M=<copy of images/guest/oops> modules"));
      return Optional.of(new PvpanicModules.ModuleFile(NAME, Files.readAllBytes(ko)));
    } catch (HarnessException e) {
      notes.put(NAME, "not built: " + e.getMessage());
      log.accept(NAME + " not built against " + tree.folder() + ": " + e.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
