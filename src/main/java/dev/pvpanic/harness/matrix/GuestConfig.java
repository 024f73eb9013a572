package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.UserKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
    Optional<Path> file) {

  /** A config or cell name: it names folders, so no path separators, no leading dot. */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,99}");

  /** The most cells a product may expand to; a larger one is refused before it is expanded. */
  /** The default of the largest product a config may expand to ({@code pvh.max.cells}). */
  public static final int MAX_CELLS = 100_000;

  private static final Set<String> TOP_KEYS =
      Set.of("name", "description", "axes", "exclude", "cells");

  /** The file's text: at most {@link #MAX_BYTES}, and UTF-8, or a message that says which. */
  private static String readBounded(Path file) {
    byte[] bytes;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new GuestConfigException(
          file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new GuestConfigException(
          file
              + ": is larger than "
              + MAX_BYTES / (1 << 20)
              + " MiB; a guest config is YAML of a few kilobytes (a matrix of thousands of cells"
              + " takes less): is this the right file?");
    }
    java.nio.charset.CharsetDecoder utf8 =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
    java.nio.charset.CoderResult r = utf8.decode(in, out, true);
    if (r.isError()) {
      throw new GuestConfigException(
          file
              + ": is not UTF-8 text (byte "
              + in.position()
              + " and the "
              + r.length()
              + " after it do not decode); save it as UTF-8");
    }
    return out.flip().toString();
  }

  /**
   * Refuses YAML aliases ({@code *name}): the parser reads one as its name, not as the anchored
   * value, so {@code recipe: *r} would ask for a recipe called "r". Expanding them is not worth an
   * alias bomb's risk in a file that names a few dozen cells.
   */
  private static void refuseAliases(String text, Path file) throws IOException {
    try (com.fasterxml.jackson.dataformat.yaml.YAMLParser p =
        (com.fasterxml.jackson.dataformat.yaml.YAMLParser)
            Json.YAML_NO_DUPLICATES.createParser(text)) {
      while (p.nextToken() != null) {
        if (p.isCurrentAlias()) {
          com.fasterxml.jackson.core.JsonLocation at = p.currentTokenLocation();
          throw new GuestConfigException(
              file
                  + ":"
                  + at.getLineNr()
                  + ":"
                  + at.getColumnNr()
                  + ": the YAML alias '*"
                  + p.getText()
                  + "' is not supported here: write the value out (an alias would be read as"
                  + " its name, not as the value it stands for)");
        }
      }
    }
  }

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

  public static GuestConfig load(Path file, Set<String> recipes) {
    if (!Files.isRegularFile(file)) {
      throw new GuestConfigException("no guest config " + file.toAbsolutePath());
    }
    String text = readBounded(file);
    if (text.isBlank()) {
      throw new GuestConfigException(
          file + ": is empty (expected a mapping with 'name', 'axes' and/or 'cells')");
    }
    Object root;
    try {
      refuseAliases(text, file);
      root = Json.YAML_NO_DUPLICATES.readValue(text, Object.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new GuestConfigException(
          file
              + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
              + ": not valid YAML: "
              + e.getOriginalMessage().lines().findFirst().orElse(""),
          e);
    } catch (IOException e) {
      throw new GuestConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new GuestConfigException(
          file + ": is empty (expected a mapping with 'name', 'axes' and/or 'cells')");
    }
    return parse(root, file.toString(), recipes, Optional.of(file));
  }

  static GuestConfig parse(Object root, String where, Set<String> recipes, Optional<Path> file) {
    Map<String, Object> top = map(root, where);
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
        checkedName(
            String.valueOf(
                top.getOrDefault(
                    "name",
                    file.map(f -> f.getFileName().toString().replaceFirst("\\.ya?ml$", ""))
                        .orElse("config"))),
            where + " name");
    Map<Axis, List<String>> axes =
        top.containsKey("axes")
            ? axisValues(top.get("axes"), where + " axes", recipes, base)
            : Map.of();
    List<Exclusion> exclusions = new ArrayList<>();
    int i = 0;
    for (Object o : list(top.getOrDefault("exclude", List.of()), where + " exclude")) {
      String at = where + " exclude[" + i++ + "]";
      Map<String, Object> m = map(o, at);
      Object reason = m.get("reason");
      if (reason == null || String.valueOf(reason).isBlank()) {
        throw new GuestConfigException(at + ": an exclusion needs a 'reason'");
      }
      if (!m.containsKey("match") || m.size() != 2) {
        throw new GuestConfigException(at + ": an exclusion has exactly 'match' and 'reason'");
      }
      exclusions.add(
          new Exclusion(
              axisValues(m.get("match"), at + " match", recipes, base), String.valueOf(reason)));
    }
    List<Cell> cells = new ArrayList<>();
    Set<String> cellNames = new java.util.HashSet<>();
    Map<String, Cell> namedIds = new java.util.HashMap<>();
    i = 0;
    for (Object o : list(top.getOrDefault("cells", List.of()), where + " cells")) {
      String at = where + " cells[" + i++ + "]";
      Map<String, Object> m = new LinkedHashMap<>(map(o, at));
      Object cellName = m.remove("name");
      if (cellName == null) {
        throw new GuestConfigException(at + ": a single cell needs a 'name'");
      }
      checkedName(String.valueOf(cellName), at + " name");
      if (!cellNames.add(String.valueOf(cellName))) {
        throw new GuestConfigException(
            at + ": a second cell named '" + cellName + "' (cell names must be unique)");
      }
      Object regression = m.remove("regression");
      Optional<InjectedRegression> injected =
          regression == null
              ? Optional.empty()
              : Optional.of(InjectedRegression.parse(map(regression, at + " regression"), at));
      Map<Axis, List<String>> v = axisValues(m, at, recipes, base);
      Map<Axis, String> one = new EnumMap<>(Axis.class);
      v.forEach(
          (axis, vals) -> {
            if (vals.size() != 1) {
              throw new GuestConfigException(
                  at + ": axis '" + axis.key() + "' of a single cell takes one value, not " + vals);
            }
            one.put(axis, vals.get(0));
          });
      requireRecipe(one.containsKey(Axis.RECIPE), at);
      Cell cell = new Cell(Optional.of(String.valueOf(cellName)), one, injected);
      cell.refusal(Settings.system().allowUnconfined())
          .ifPresent(
              why -> {
                throw new GuestConfigException(at + " (" + cellName + "): " + why);
              });
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
    if (!axes.isEmpty()) {
      requireRecipe(axes.containsKey(Axis.RECIPE), where + " axes");
    }
    if (axes.isEmpty() && cells.isEmpty()) {
      throw new GuestConfigException(where + ": defines no cells (give 'axes' or 'cells')");
    }
    return new GuestConfig(
        name, String.valueOf(top.getOrDefault("description", "")), axes, exclusions, cells, file);
  }

  private static String checkedName(String name, String where) {
    if (!NAME.matcher(name).matches()) {
      throw new GuestConfigException(
          where
              + ": '"
              + name
              + "' is not a name; valid: letters, digits, '.', '_', '+', '-', not starting with"
              + " '.' or '-', at most 100 characters (it names artifact folders)");
    }
    return name;
  }

  private static void requireRecipe(boolean present, String where) {
    if (!present) {
      throw new GuestConfigException(where + ": 'recipe' is required (an image recipe name)");
    }
  }

  private static Map<Axis, List<String>> axisValues(
      Object node, String where, Set<String> recipes, Optional<Path> base) {
    Map<Axis, List<String>> out = new EnumMap<>(Axis.class);
    for (Map.Entry<String, Object> e : map(node, where).entrySet()) {
      Axis axis =
          Axis.byKey(e.getKey())
              .orElseThrow(
                  () ->
                      new GuestConfigException(
                          where
                              + ": unknown axis '"
                              + e.getKey()
                              + "'; valid: "
                              + Axis.validKeys()));
      Object raw = e.getValue();
      List<?> items = raw instanceof List<?> l ? l : List.of(raw);
      if (items.isEmpty()) {
        throw new GuestConfigException(where + ": axis '" + axis.key() + "' has no values");
      }
      List<String> vals = new ArrayList<>();
      for (Object item : items) {
        String v = axis.normalise(item, where);
        if (axis == Axis.RECIPE && UserKernels.isSource(v)) {
          // a user's kernel: its file is taken from the config's folder, read when planned
          v = UserKernels.absolute(v, p -> base.map(b -> b.resolve(p)).orElse(Path.of(p)));
        } else if (axis == Axis.RECIPE && !recipes.contains(v)) {
          throw new GuestConfigException(
              where
                  + ": unknown recipe '"
                  + v
                  + "'; known recipes: "
                  + String.join(", ", recipes.stream().sorted().toList()));
        }
        vals.add(v);
      }
      out.put(axis, List.copyOf(vals));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String where) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
      return out;
    }
    throw new GuestConfigException(where + ": expected a mapping, found " + describe(o));
  }

  private static List<?> list(Object o, String where) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new GuestConfigException(where + ": expected a list, found " + describe(o));
  }

  private static String describe(Object o) {
    return o == null ? "nothing" : "'" + o + "'";
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
      int max;
      try {
        max = Settings.system().maxCells();
      } catch (HarnessException e) {
        throw new GuestConfigException(e.getMessage());
      }
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
      boolean allowUnconfined = Settings.system().allowUnconfined();
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
