package dev.pvpanic.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.debian.LockedPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What images the cache holds, read from the manifests of its built images (derived/image-*). An
 * image counts as cached for a recipe when its manifest names the recipe and exactly its locked
 * packages. That is a close reading, not the builder's own key (which also hashes the guest's init
 * and the layout): after an init change the next build still rebuilds once.
 */
final class CachedImages {
  /** A built image: its recipe and the packages (name|version|sha256) it was made from. */
  private record Built(String recipe, Set<String> packages) {}

  private final List<Built> built;

  private CachedImages(List<Built> built) {
    this.built = built;
  }

  /** The images under {@code cacheRoot} (the content store's root). */
  static CachedImages in(Path cacheRoot) {
    Path derived = cacheRoot.resolve("derived");
    if (!Files.isDirectory(derived)) {
      return new CachedImages(List.of());
    }
    try (Stream<Path> dirs = Files.list(derived)) {
      return new CachedImages(
          dirs.filter(d -> d.getFileName().toString().startsWith("image-"))
              .map(d -> d.resolve("manifest.json"))
              .filter(Files::isRegularFile)
              .flatMap(m -> read(m).stream())
              .toList());
    } catch (IOException e) {
      return new CachedImages(List.of());
    }
  }

  private static List<Built> read(Path manifest) {
    try {
      JsonNode m = Json.MAPPER.readTree(manifest.toFile());
      Set<String> packages = new HashSet<>();
      for (String role : List.of("kernel", "userland", "moduleBuild")) {
        for (JsonNode p : m.path("packages").path(role)) {
          packages.add(
              p.path("name").asText()
                  + "|"
                  + p.path("version").asText()
                  + "|"
                  + p.path("sha256").asText());
        }
      }
      return List.of(new Built(m.path("recipe").asText(), packages));
    } catch (IOException e) {
      return List.of(); // a manifest we cannot read names no image
    }
  }

  boolean holds(String recipe, RecipePins pins) {
    Set<String> wanted = new HashSet<>();
    for (LockedPackage p : pins.all()) {
      wanted.add(p.name() + "|" + p.version() + "|" + p.sha256());
    }
    return built.stream().anyMatch(b -> b.recipe().equals(recipe) && b.packages().equals(wanted));
  }
}
