package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.cell.CellArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a cell's image-manifest.json says about its kernel, if the cell has one: its release, and
 * the whole manifest for a user's kernel's checkout and build ({@link KcidbKernel}).
 */
record CellManifest(Optional<Path> file, Optional<String> kernelRelease, Optional<JsonNode> node) {
  static final CellManifest NONE =
      new CellManifest(Optional.empty(), Optional.empty(), Optional.empty());

  static CellManifest read(Path folder) {
    Path f = folder.resolve(CellArtifacts.IMAGE_MANIFEST);
    if (!Files.isRegularFile(f)) {
      return NONE;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(f.toFile());
      return new CellManifest(
          Optional.of(f),
          Optional.ofNullable(n.path("kernelRelease").textValue()).filter(s -> !s.isBlank()),
          Optional.of(n));
    } catch (IOException e) {
      return new CellManifest(Optional.of(f), Optional.empty(), Optional.empty());
    }
  }
}
