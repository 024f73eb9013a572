package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.image.UserKernels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The value types of a guest config's schema, read from parsed YAML: a mapping, a list, a name, the
 * values of axes (a recipe checked against the known ones, a user's kernel resolved against the
 * config's folder). Each refusal says where in the file it is and what was found there.
 */
final class ConfigNodes {
  /** A config or cell name: it names folders, so no path separators, no leading dot. */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,99}");

  private ConfigNodes() {}

  static String checkedName(String name, String where) {
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

  static void requireRecipe(boolean present, String where) {
    if (!present) {
      throw new GuestConfigException(where + ": 'recipe' is required (an image recipe name)");
    }
  }

  static Map<Axis, List<String>> axisValues(
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
  static Map<String, Object> map(Object o, String where) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), v));
      return out;
    }
    throw new GuestConfigException(where + ": expected a mapping, found " + describe(o));
  }

  static List<?> list(Object o, String where) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new GuestConfigException(where + ": expected a list, found " + describe(o));
  }

  private static String describe(Object o) {
    return o == null ? "nothing" : "'" + o + "'";
  }
}
