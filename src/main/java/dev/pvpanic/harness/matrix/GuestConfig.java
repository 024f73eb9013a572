package dev.pvpanic.harness.matrix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A guest config (guest-configs/*.yaml): a product of axis values, exclusions with reasons, and
 * single named cells. {@link #load} checks every key and value, and every recipe name, before
 * anything boots; {@link #cells()} expands it.
 *
 * <pre>
 * name: smoke
 * axes:                      # one product; an axis not named keeps its default
 *   recipe: [x86_64-6.12]
 *   kdump: [no, yes]
 * exclude:
 *   - match: {kdump: no, post_notifiers: [cmdline, runtime]}
 *     reason: notifiers only matter with kdump loaded
 * cells:                     # single cells, by name
 *   - name: seed-no-kdump
 *     recipe: x86_64-6.12
 *     panic: none
 *   - name: driver-blacklisted    # a cell that injects a regression states the verdict it must get
 *     recipe: x86_64-6.12
 *     kernel_args: module_blacklist=pvpanic_pci
 *     regression: {what: the pvpanic-pci driver never binds, verdict: wrong-guest-state}
 * </pre>
 */
public record GuestConfig(
    String name,
    String description,
    Map<Axis, List<String>> axes,
    List<Exclusion> exclusions,
    List<Cell> namedCells,
    Optional<Path> file,
    ConfigLimits limits) {

  /** The most cells a product may expand to; a larger one is refused before it is expanded. */
  /** The default of the largest product a config may expand to ({@code pvh.max.cells}). */
  public static final int MAX_CELLS = 100_000;

  private static final Set<String> TOP_KEYS =
      Set.of("name", "description", "axes", "exclude", "cells");

  /** Cells matching every value of {@code match} are left out, for {@code reason}. */
  public record Exclusion(Map<Axis, List<String>> match, String reason) {
    public boolean matches(Cell c) {
      return match.entrySet().stream().allMatch(e -> e.getValue().contains(c.get(e.getKey())));
    }
  }

  /** A cell left out of the matrix, and why. */
  public record Excluded(Cell cell, String reason) {}

  /**
   * The largest guest config read. A matrix of thousands of cells takes a few kilobytes; the YAML
   * scanner's cost grows with the longest line, so the size is checked, and at most this many bytes
   * read, before anything is parsed.
   */
  public static final int MAX_BYTES = 1 << 20;

  /**
   * The longest line read, in characters. The YAML scanner allocates per character of a line: a 1
   * MB comment line cost about 1 GB of memory and 4 s, while the longest value a cell takes, a
   * kernel command line, stays under 2 KiB.
   */
  public static final int MAX_LINE_CHARS = 64 << 10;

  /** As {@link #load(Path, Set, ConfigLimits)} with the built-in limits. */
  public static GuestConfig load(Path file, Set<String> recipes) {
    return load(file, recipes, ConfigLimits.DEFAULTS);
  }

  /** The config in {@code file}, its cells checked against {@code limits}. */
  public static GuestConfig load(Path file, Set<String> recipes, ConfigLimits limits) {
    return parse(GuestConfigYaml.read(file), file.toString(), recipes, Optional.of(file), limits);
  }

  static GuestConfig parse(Object root, String where, Set<String> recipes, Optional<Path> file) {
    return parse(root, where, recipes, file, ConfigLimits.DEFAULTS);
  }

  static GuestConfig parse(
      Object root, String where, Set<String> recipes, Optional<Path> file, ConfigLimits limits) {
    Map<String, Object> top = ConfigNodes.map(root, where);
    Optional<Path> base = file.map(f -> f.toAbsolutePath().getParent());
    for (String k : top.keySet()) {
      if (!TOP_KEYS.contains(k)) {
        throw new GuestConfigException(
            where
                + ": unknown key '"
                + k
                + "'; valid: "
                + String.join(", ", TOP_KEYS.stream().sorted().toList()));
      }
    }
    String name =
        ConfigNodes.checkedName(
            String.valueOf(
                top.getOrDefault(
                    "name",
                    file.map(f -> f.getFileName().toString().replaceFirst("\\.ya?ml$", ""))
                        .orElse("config"))),
            where + " name");
    Map<Axis, List<String>> axes =
        top.containsKey("axes")
            ? ConfigNodes.axisValues(top.get("axes"), where + " axes", recipes, base)
            : Map.of();
    List<Exclusion> exclusions =
        exclusions(top.getOrDefault("exclude", List.of()), where + " exclude", recipes, base);
    List<Cell> cells =
        NamedCells.parse(
            top.getOrDefault("cells", List.of()), where + " cells", recipes, base, limits);
    if (!axes.isEmpty()) {
      ConfigNodes.requireRecipe(axes.containsKey(Axis.RECIPE), where + " axes");
    }
    if (axes.isEmpty() && cells.isEmpty()) {
      throw new GuestConfigException(where + ": defines no cells (give 'axes' or 'cells')");
    }
    return new GuestConfig(
        name,
        String.valueOf(top.getOrDefault("description", "")),
        axes,
        exclusions,
        cells,
        file,
        limits);
  }

  /** The {@code exclude:} list: each entry exactly a {@code match} of axis values and a reason. */
  private static List<Exclusion> exclusions(
      Object node, String where, Set<String> recipes, Optional<Path> base) {
    List<Exclusion> exclusions = new ArrayList<>();
    int i = 0;
    for (Object o : ConfigNodes.list(node, where)) {
      String at = where + "[" + i++ + "]";
      Map<String, Object> m = ConfigNodes.map(o, at);
      Object reason = m.get("reason");
      if (reason == null || String.valueOf(reason).isBlank()) {
        throw new GuestConfigException(at + ": an exclusion needs a 'reason'");
      }
      if (!m.containsKey("match") || m.size() != 2) {
        throw new GuestConfigException(at + ": an exclusion has exactly 'match' and 'reason'");
      }
      exclusions.add(
          new Exclusion(
              ConfigNodes.axisValues(m.get("match"), at + " match", recipes, base),
              String.valueOf(reason)));
    }
    return exclusions;
  }

  /** Every cell: the product of the axes less exclusions, then the named cells; ids unique. */
  public List<Cell> cells() {
    return expand().cells();
  }

  /**
   * The cells, and those left out with their reasons.
   *
   * @throws GuestConfigException for a product over {@link #MAX_CELLS}, or a product cell no
   *     exclusion removes that contradicts itself (e.g. notifiers without kdump)
   */
  public Expansion expand() {
    List<Cell> cells = new ArrayList<>();
    List<Excluded> excluded = new ArrayList<>();
    Map<String, Cell> ids = new java.util.HashMap<>();
    if (!axes.isEmpty()) {
      long size = productSize();
      int max = limits.maxCells();
      if (size > max) {
        throw new GuestConfigException(
            name
                + ": the axes make a product of "
                + size
                + " cells, more than "
                + max
                + " (-Dpvh.max.cells or PVH_MAX_CELLS); split the config or name fewer values"
                + " per axis");
      }
      boolean allowUnconfined = limits.allowUnconfined();
      for (Map<Axis, String> combo : product()) {
        Cell c = new Cell(Optional.empty(), combo);
        Optional<Exclusion> ex = exclusions.stream().filter(x -> x.matches(c)).findFirst();
        if (ex.isPresent()) {
          excluded.add(new Excluded(c, ex.get().reason()));
        } else if (unique(ids, c)) {
          c.refusal(allowUnconfined)
              .ifPresent(
                  why -> {
                    throw new GuestConfigException(
                        name
                            + ": the product makes the cell "
                            + c.displayName()
                            + ", but "
                            + why
                            + "; add an exclusion for it");
                  });
          cells.add(c);
        }
      }
    }
    for (Cell c : namedCells) {
      if (unique(ids, c)) {
        cells.add(c);
      } else {
        // a named cell equal to a product cell replaces it, so it shows under its name
        cells.replaceAll(x -> x.id().equals(c.id()) ? c : x);
      }
    }
    return new Expansion(List.copyOf(cells), List.copyOf(excluded));
  }

  /**
   * Whether {@code c}'s id is new; false for a cell equal to one seen. Two different cells with one
   * id (free values that differ only in characters a folder name cannot hold) are refused: every
   * report would show them as one.
   */
  private boolean unique(Map<String, Cell> ids, Cell c) {
    Cell seen = ids.putIfAbsent(c.id(), c);
    if (seen == null) {
      return true;
    }
    if (!seen.values().equals(c.values())) {
      throw new GuestConfigException(
          name
              + ": two different cells get the one id "
              + c.id()
              + " ("
              + seen.displayName()
              + " and "
              + c.displayName()
              + "); name their free values (qemu, machine_type, recipe) apart by more than"
              + " punctuation");
    }
    return false;
  }

  /** How many cells the axes make before exclusions. */
  public long productSize() {
    long n = 1;
    for (List<String> values : axes.values()) {
      n = Math.multiplyExact(n, values.size());
    }
    return axes.isEmpty() ? 0 : n;
  }

  /** Exclusions that leave out no cell of the product: probably a typo. */
  public List<Exclusion> unusedExclusions() {
    List<Exclusion> unused = new ArrayList<>(exclusions);
    if (axes.isEmpty()) {
      return unused;
    }
    for (Map<Axis, String> combo : product()) {
      Cell c = new Cell(Optional.empty(), combo);
      unused.removeIf(x -> x.matches(c));
      if (unused.isEmpty()) {
        break;
      }
    }
    return unused;
  }

  /** The result of expanding a config. */
  public record Expansion(List<Cell> cells, List<Excluded> excluded) {}

  private List<Map<Axis, String>> product() {
    List<Map<Axis, String>> acc = new ArrayList<>();
    acc.add(new EnumMap<>(Axis.class));
    for (Axis axis : Axis.values()) {
      List<String> vals = axes.get(axis);
      if (vals == null) {
        continue;
      }
      List<Map<Axis, String>> next = new ArrayList<>();
      for (Map<Axis, String> partial : acc) {
        for (String v : vals) {
          Map<Axis, String> m = new EnumMap<>(Axis.class);
          m.putAll(partial);
          m.put(axis, v);
          next.add(m);
        }
      }
      acc = next;
    }
    return acc;
  }
}
