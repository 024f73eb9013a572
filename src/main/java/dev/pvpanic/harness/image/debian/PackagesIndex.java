package dev.pvpanic.harness.image.debian;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The binary packages of one suite's {@code main} component for one architecture, as its Packages
 * index lists them (packages of architecture {@code all} included). Several versions of a name may
 * be listed; they are kept newest first.
 */
public final class PackagesIndex {

  private static final int MAX_SUGGESTIONS = 10;

  private final String suite;
  private final String arch;
  private final Map<String, List<PackageEntry>> byName;
  private volatile Map<String, List<PackageEntry>> byProvided;

  private PackagesIndex(String suite, String arch, Map<String, List<PackageEntry>> byName) {
    this.suite = suite;
    this.arch = arch;
    this.byName = byName;
  }

  /** Parses an uncompressed Packages file. */
  public static PackagesIndex parse(String suite, String arch, InputStream packages)
      throws IOException {
    Map<String, List<PackageEntry>> byName = new TreeMap<>();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(packages, StandardCharsets.UTF_8), 256 * 1024);
    String where = suite + "/" + arch;
    ControlStanza.forEach(
        reader,
        stanza -> {
          PackageEntry entry = toEntry(where, stanza);
          byName.computeIfAbsent(entry.name(), n -> new ArrayList<>()).add(entry);
        });
    Comparator<PackageEntry> newestFirst =
        Comparator.comparing(PackageEntry::debianVersion).reversed();
    Map<String, List<PackageEntry>> sorted = new TreeMap<>();
    byName.forEach((name, list) -> sorted.put(name, List.copyOf(sortedCopy(list, newestFirst))));
    return new PackagesIndex(suite, arch, Collections.unmodifiableMap(sorted));
  }

  /** Parses a Packages file compressed as its name says ({@code Packages.xz}, {@code .gz}, ...). */
  static PackagesIndex parseCompressed(
      String suite, String arch, String fileName, InputStream compressed) throws IOException {
    try (InputStream in = Compression.decompress(fileName, compressed)) {
      return parse(suite, arch, in);
    }
  }

  public String suite() {
    return suite;
  }

  public String arch() {
    return arch;
  }

  /** How many distinct package names the index lists. */
  public int size() {
    return byName.size();
  }

  public Set<String> names() {
    return byName.keySet();
  }

  /** Every listed version of {@code name}, newest first; empty when the name is unknown. */
  public List<PackageEntry> versions(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /** Pre-Depends then Depends as one list: both must be there for the package to work. */
  private static String joined(String preDepends, String depends) {
    if (preDepends.isBlank()) {
      return depends;
    }
    return depends.isBlank() ? preDepends : preDepends + ", " + depends;
  }

  /** Packages whose {@code Provides} names {@code virtualName}, newest first. */
  public List<PackageEntry> providersOf(String virtualName) {
    Map<String, List<PackageEntry>> provided = byProvided;
    if (provided == null) {
      Map<String, List<PackageEntry>> built = new HashMap<>();
      for (List<PackageEntry> list : byName.values()) {
        for (PackageEntry entry : list) {
          for (String name : providedNames(entry.provides())) {
            built.computeIfAbsent(name, n -> new ArrayList<>()).add(entry);
          }
        }
      }
      provided = Collections.unmodifiableMap(built);
      byProvided = provided;
    }
    return List.copyOf(provided.getOrDefault(virtualName, List.of()));
  }

  /**
   * The newest entry named {@code name}, or the one with exactly {@code exactVersion}. Throws
   * {@link PackageNotFoundException} listing the versions that exist, or names close to an unknown
   * one.
   */
  public PackageEntry resolve(String name, Optional<String> exactVersion) {
    List<PackageEntry> versions = versions(name);
    if (versions.isEmpty()) {
      List<String> close = closeNames(name);
      throw new PackageNotFoundException(
          "no package '"
              + name
              + "' in "
              + suite
              + "/main/binary-"
              + arch
              + (close.isEmpty()
                  ? " (and no similarly named one)"
                  : "; similar names: " + String.join(", ", close)));
    }
    if (exactVersion.isEmpty()) {
      return versions.get(0);
    }
    String wanted = exactVersion.get().strip();
    for (PackageEntry entry : versions) {
      if (entry.version().equals(wanted)) {
        return entry;
      }
    }
    throw new PackageNotFoundException(
        "package '"
            + name
            + "' has no version '"
            + wanted
            + "' in "
            + suite
            + "/main/binary-"
            + arch
            + "; available: "
            + versions.stream().map(PackageEntry::version).collect(Collectors.joining(", ")));
  }

  private List<String> closeNames(String name) {
    int limit = Math.max(2, name.length() / 4);
    record Candidate(String name, int distance) {}
    List<Candidate> candidates = new ArrayList<>();
    for (String known : byName.keySet()) {
      int distance = editDistance(name, known, limit);
      if (distance <= limit) {
        candidates.add(new Candidate(known, distance));
      }
    }
    candidates.sort(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name));
    return candidates.stream().limit(MAX_SUGGESTIONS).map(Candidate::name).toList();
  }

  /** Levenshtein distance, giving up (returning limit + 1) once it must exceed {@code limit}. */
  static int editDistance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMinimum = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
        rowMinimum = Math.min(rowMinimum, current[j]);
      }
      if (rowMinimum > limit) {
        return limit + 1;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static PackageEntry toEntry(String where, ControlStanza stanza) {
    String name = required(where, stanza, "Package", "?");
    String version = required(where, stanza, "Version", name);
    try {
      DebianVersion.parse(version);
    } catch (IllegalArgumentException e) {
      throw new DebianArchiveException(
          "Packages of " + where + ": package '" + name + "': " + e.getMessage(), e);
    }
    String sizeText = required(where, stanza, "Size", name);
    long size;
    try {
      size = Long.parseLong(sizeText);
    } catch (NumberFormatException e) {
      throw new DebianArchiveException(
          "Packages of " + where + ": package '" + name + "' has a bad Size '" + sizeText + "'");
    }
    String source = stanza.getOrEmpty("Source");
    // "Source: linux-signed-amd64 (6.12.95+deb12u1)" names the source and its version.
    int space = source.indexOf(' ');
    source = space > 0 ? source.substring(0, space) : source;
    return new PackageEntry(
        name,
        version,
        required(where, stanza, "Architecture", name),
        required(where, stanza, "Filename", name),
        size,
        required(where, stanza, "SHA256", name).toLowerCase(Locale.ROOT),
        source.isEmpty() ? name : source,
        joined(stanza.getOrEmpty("Pre-Depends"), stanza.getOrEmpty("Depends")),
        stanza.getOrEmpty("Provides"));
  }

  private static String required(String where, ControlStanza stanza, String field, String name) {
    return stanza
        .get(field)
        .filter(v -> !v.isBlank())
        .orElseThrow(
            () ->
                new DebianArchiveException(
                    "Packages of "
                        + where
                        + ": package '"
                        + name
                        + "' has no "
                        + field
                        + " field"));
  }

  /** "foo (= 1.0), bar" -> foo, bar. */
  private static List<String> providedNames(String provides) {
    if (provides.isBlank()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String item : provides.split(",")) {
      String trimmed = item.strip();
      int cut = trimmed.indexOf(' ');
      int paren = trimmed.indexOf('(');
      if (paren >= 0 && (cut < 0 || paren < cut)) {
        cut = paren;
      }
      String name = cut >= 0 ? trimmed.substring(0, cut) : trimmed;
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  private static <T> List<T> sortedCopy(List<T> list, Comparator<? super T> order) {
    List<T> copy = new ArrayList<>(list);
    copy.sort(order);
    return copy;
  }

  @Override
  public String toString() {
    return "PackagesIndex[" + suite + "/" + arch + ", " + byName.size() + " names]";
  }
}
