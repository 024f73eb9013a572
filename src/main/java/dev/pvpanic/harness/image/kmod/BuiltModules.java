package dev.pvpanic.harness.image.kmod;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of an out-of-tree build.
 *
 * @param modules the {@code .ko} files, in the order of {@link ModuleSet#modules()} (load order)
 * @param provenance what the image manifest records about them
 * @param log the build's full output
 */
public record BuiltModules(List<Path> modules, ModuleProvenance provenance, Path log) {
  public BuiltModules {
    modules = List.copyOf(modules);
  }
}
