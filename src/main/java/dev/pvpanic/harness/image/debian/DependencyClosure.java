package dev.pvpanic.harness.image.debian;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packages a set of roots needs through their {@code Depends}, as far as {@code follow} allows
 * (e.g. only shared libraries), pinned. First alternatives only; an exact {@code (= v)} dependency
 * is taken at that version, any other at the newest version the indexes list; a virtual name is
 * taken from its first provider. Several indexes form one view (a backports suite over its base): a
 * name is taken from the index with its newest version.
 */
public final class DependencyClosure {
  static final Pattern DEPENDENCY =
      Pattern.compile(
          "^\\s*([a-z0-9][a-z0-9.+-]*)(?::[a-z0-9]+)?\\s*(?:\\((=|>=|<=|>>|<<)\\s*([^)]+)\\))?");

  private final List<PackagesIndex> indexes;

  /** A view of {@code indexes}; the first one's messages name an unknown root. */
  public DependencyClosure(List<PackagesIndex> indexes) {
    if (indexes.isEmpty()) {
      throw new IllegalArgumentException("no index to resolve in");
    }
    this.indexes = List.copyOf(indexes);
  }

  /**
   * The roots (at {@code rootVersion} when given) and everything they need that {@code follow}
   * accepts, roots first.
   */
  public List<LockedPackage> resolve(
      List<String> roots, Optional<String> rootVersion, Predicate<String> follow) {
    Map<String, LockedPackage> seen = new LinkedHashMap<>();
    Deque<Map.Entry<String, Optional<String>>> todo = new ArrayDeque<>();
    roots.forEach(r -> todo.add(Map.entry(r, rootVersion)));
    while (!todo.isEmpty()) {
      Map.Entry<String, Optional<String>> next = todo.poll();
      if (seen.containsKey(next.getKey())) {
        continue;
      }
      Listed listed = find(next.getKey(), next.getValue());
      seen.put(listed.entry().name(), pin(listed));
      for (Map.Entry<String, Optional<String>> dep : dependencies(listed.entry().depends())) {
        String name = dep.getKey();
        if (!follow.test(name) || seen.containsKey(name)) {
          continue;
        }
        if (versions(name).isEmpty()) {
          List<Listed> providers = providersOf(name);
          if (providers.isEmpty()) {
            continue;
          }
          name = providers.get(0).entry().name();
        }
        todo.add(Map.entry(name, dep.getValue()));
      }
    }
    return List.copyOf(seen.values());
  }

  /** The first alternative of each {@code Depends} item, with the version an {@code =} fixes. */
  public static List<Map.Entry<String, Optional<String>>> dependencies(String depends) {
    List<Map.Entry<String, Optional<String>>> out = new ArrayList<>();
    for (String dep : (depends == null ? "" : depends).split(",")) {
      Matcher m = DEPENDENCY.matcher(dep.split("\\|")[0]);
      if (m.find()) {
        out.add(
            Map.entry(
                m.group(1),
                "=".equals(m.group(2)) ? Optional.of(m.group(3).strip()) : Optional.empty()));
      }
    }
    return out;
  }

  private record Listed(PackagesIndex index, PackageEntry entry) {}

  private static LockedPackage pin(Listed l) {
    return LockedPackage.of(l.index().suite(), l.index().arch(), l.entry());
  }

  private Listed find(String name, Optional<String> exact) {
    for (Listed l : versions(name)) {
      if (exact.isEmpty() || l.entry().version().equals(exact.get().strip())) {
        return l;
      }
    }
    // none fits: the index that lists the name (else the first) says what exists
    PackagesIndex says =
        indexes.stream()
            .filter(i -> !i.versions(name).isEmpty())
            .findFirst()
            .orElse(indexes.get(0));
    return new Listed(says, says.resolve(name, exact));
  }

  private List<Listed> versions(String name) {
    List<Listed> all = new ArrayList<>();
    for (PackagesIndex index : indexes) {
      index.versions(name).forEach(e -> all.add(new Listed(index, e)));
    }
    return newestFirst(all);
  }

  private List<Listed> providersOf(String name) {
    List<Listed> all = new ArrayList<>();
    for (PackagesIndex index : indexes) {
      index.providersOf(name).forEach(e -> all.add(new Listed(index, e)));
    }
    return all;
  }

  private static List<Listed> newestFirst(List<Listed> all) {
    List<Listed> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing((Listed l) -> l.entry().debianVersion()).reversed()); // stable
    return sorted;
  }
}
