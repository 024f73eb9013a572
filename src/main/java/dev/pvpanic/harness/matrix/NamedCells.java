package dev.pvpanic.harness.matrix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code cells:} list of a guest config: single cells, each a {@code name}, one value per axis
 * (a {@code recipe} at least) and maybe the {@code regression} it injects. Names are unique, no two
 * entries are the same cell, and a cell that contradicts itself (or may not run here) is refused
 * with its place in the file.
 */
final class NamedCells {
  private NamedCells() {}

  /**
   * @param where the list's place in the file, e.g. {@code smoke.yaml cells}
   * @param base the config's folder, against which a user's kernel is resolved
   */
  static List<Cell> parse(
      Object node, String where, Set<String> recipes, Optional<Path> base, ConfigLimits limits) {
    List<Cell> cells = new ArrayList<>();
    Set<String> cellNames = new HashSet<>();
    Map<String, Cell> namedIds = new HashMap<>();
    int i = 0;
    for (Object o : ConfigNodes.list(node, where)) {
      String at = where + "[" + i++ + "]";
      Map<String, Object> m = new LinkedHashMap<>(ConfigNodes.map(o, at));
      Object cellName = m.remove("name");
      if (cellName == null) {
        throw new GuestConfigException(at + ": a single cell needs a 'name'");
      }
      ConfigNodes.checkedName(String.valueOf(cellName), at + " name");
      if (!cellNames.add(String.valueOf(cellName))) {
        throw new GuestConfigException(
            at + ": a second cell named '" + cellName + "' (cell names must be unique)");
      }
      Cell cell = cell(String.valueOf(cellName), m, at, recipes, base, limits);
      Cell same = namedIds.putIfAbsent(cell.id(), cell);
      if (same != null) {
        throw new GuestConfigException(
            at
                + ": cells '"
                + same.name().orElse("?")
                + "' and '"
                + cellName
                + "' are the same cell (every value equal: "
                + cell.id()
                + "); keep one");
      }
      cells.add(cell);
    }
    return cells;
  }

  /** One entry, its name taken out: the rest are axis values and maybe a regression. */
  private static Cell cell(
      String cellName,
      Map<String, Object> m,
      String at,
      Set<String> recipes,
      Optional<Path> base,
      ConfigLimits limits) {
    Object regression = m.remove("regression");
    Object unconfinedBy = m.remove("unconfined");
    if (unconfinedBy != null && String.valueOf(unconfinedBy).isBlank()) {
      throw new GuestConfigException(
          at + ": 'unconfined' takes the reason the cell may undo QEMU's confinement, not a blank");
    }
    Optional<String> unconfined =
        unconfinedBy == null ? Optional.empty() : Optional.of(String.valueOf(unconfinedBy).strip());
    Optional<InjectedRegression> injected =
        regression == null
            ? Optional.empty()
            : Optional.of(
                InjectedRegression.parse(ConfigNodes.map(regression, at + " regression"), at));
    Map<Axis, List<String>> v = ConfigNodes.axisValues(m, at, recipes, base);
    Map<Axis, String> one = new EnumMap<>(Axis.class);
    v.forEach(
        (axis, vals) -> {
          if (vals.size() != 1) {
            throw new GuestConfigException(
                at + ": axis '" + axis.key() + "' of a single cell takes one value, not " + vals);
          }
          one.put(axis, vals.get(0));
        });
    ConfigNodes.requireRecipe(one.containsKey(Axis.RECIPE), at);
    Cell cell = new Cell(Optional.of(cellName), one, injected, unconfined);
    cell.refusal(limits.allowUnconfined())
        .ifPresent(
            why -> {
              throw new GuestConfigException(at + " (" + cellName + "): " + why);
            });
    return cell;
  }
}
