package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.matrix.Cell;
import java.util.List;
import java.util.stream.Collectors;

/** Finding a config's cell by what a person types: its name, or its id. */
final class ConfigCells {
  private ConfigCells() {}

  static Cell find(List<Cell> cells, String nameOrId, String where) {
    return cells.stream()
        .filter(c -> c.name().filter(nameOrId::equals).isPresent() || c.id().equals(nameOrId))
        .findFirst()
        .orElseThrow(
            () ->
                new UsageException(
                    "--cell: no cell '"
                        + nameOrId
                        + "' in "
                        + where
                        + "; cells: "
                        + cells.stream()
                            .map(c -> c.name().orElse(c.id()))
                            .collect(Collectors.joining(", "))));
  }
}
