package dev.pvpanic.harness.image.debian;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The source packages of one suite's {@code main} component, as its {@code main/source/Sources}
 * index lists them. Several versions of a name may be listed; they are kept newest first.
 */
public final class SourcesIndex {

  private final String suite;
  private final Map<String, List<SourceEntry>> byName;

  private SourcesIndex(String suite, Map<String, List<SourceEntry>> byName) {
    this.suite = suite;
    this.byName = byName;
  }

  /** Parses an uncompressed Sources file. */
  public static SourcesIndex parse(String suite, InputStream sources) throws IOException {
    Map<String, List<SourceEntry>> byName = new TreeMap<>();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(sources, StandardCharsets.UTF_8), 256 * 1024);
    try {
      ControlStanza.forEach(
          reader,
          stanza -> {
            SourceEntry entry = toEntry(suite, stanza);
            byName.computeIfAbsent(entry.name(), n -> new ArrayList<>()).add(entry);
          });
    } catch (IllegalArgumentException e) {
      throw new DebianArchiveException(
          "Sources of " + suite + " is not control data: " + e.getMessage(), e);
    }
    Map<String, List<SourceEntry>> sorted = new TreeMap<>();
    Comparator<SourceEntry> newestFirst =
        Comparator.comparing(SourceEntry::debianVersion).reversed();
    byName.forEach(
        (name, list) -> {
          List<SourceEntry> copy = new ArrayList<>(list);
          copy.sort(newestFirst);
          sorted.put(name, List.copyOf(copy));
        });
    return new SourcesIndex(suite, Collections.unmodifiableMap(sorted));
  }

  /** Parses a Sources file compressed as its name says ({@code Sources.xz}, {@code .gz}, ...). */
  static SourcesIndex parseCompressed(String suite, String fileName, InputStream compressed)
      throws IOException {
    try (InputStream in = Compression.decompress(fileName, compressed)) {
      return parse(suite, in);
    }
  }

  public String suite() {
    return suite;
  }

  /** Every listed version of {@code name}, newest first; empty when the name is unknown. */
  public List<SourceEntry> versions(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /**
   * The newest source package named {@code name}, or the one with exactly {@code exactVersion}.
   * Throws {@link PackageNotFoundException} listing the versions that exist.
   */
  public SourceEntry resolve(String name, Optional<String> exactVersion) {
    List<SourceEntry> versions = versions(name);
    if (versions.isEmpty()) {
      throw new PackageNotFoundException(
          "no source package '" + name + "' in " + suite + "/main/source");
    }
    if (exactVersion.isEmpty()) {
      return versions.get(0);
    }
    String wanted = exactVersion.get().strip();
    return versions.stream()
        .filter(e -> e.version().equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new PackageNotFoundException(
                    "source package '"
                        + name
                        + "' has no version '"
                        + wanted
                        + "' in "
                        + suite
                        + "/main/source; available: "
                        + versions.stream()
                            .map(SourceEntry::version)
                            .collect(Collectors.joining(", "))));
  }

  private static SourceEntry toEntry(String suite, ControlStanza stanza) {
    String name = required(suite, stanza, "Package", "?");
    String version = required(suite, stanza, "Version", name);
    try {
      DebianVersion.parse(version);
    } catch (IllegalArgumentException e) {
      throw new DebianArchiveException(
          "Sources of " + suite + ": source package '" + name + "': " + e.getMessage(), e);
    }
    String directory = required(suite, stanza, "Directory", name).strip();
    if (directory.endsWith("/")) {
      directory = directory.substring(0, directory.length() - 1);
    }
    List<SourceEntry.SourceFile> files = new ArrayList<>();
    for (String line : required(suite, stanza, "Checksums-Sha256", name).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.strip().split("\\s+");
      if (parts.length != 3
          || !parts[0].matches("[0-9a-fA-F]{64}")
          || !parts[1].matches("\\d{1,18}")
          || !isPlainFileName(parts[2])) {
        throw new DebianArchiveException(
            "Sources of "
                + suite
                + ": source package '"
                + name
                + "' has a bad Checksums-Sha256 line '"
                + line.strip()
                + "' (expected '<sha256> <size> <file name>')");
      }
      files.add(
          new SourceEntry.SourceFile(
              parts[2], Long.parseLong(parts[1]), parts[0].toLowerCase(Locale.ROOT)));
    }
    if (files.isEmpty()) {
      throw new DebianArchiveException(
          "Sources of " + suite + ": source package '" + name + "' lists no files");
    }
    return new SourceEntry(name, version, directory, files);
  }

  /** A file name from the index is written under its own name: never a path. */
  private static boolean isPlainFileName(String name) {
    return !name.contains("/")
        && !name.contains("\\")
        && !name.equals(".")
        && !name.equals("..")
        && !name.startsWith(".");
  }

  private static String required(String suite, ControlStanza stanza, String field, String name) {
    return stanza
        .get(field)
        .filter(v -> !v.isBlank())
        .orElseThrow(
            () ->
                new DebianArchiveException(
                    "Sources of "
                        + suite
                        + ": source package '"
                        + name
                        + "' has no "
                        + field
                        + " field"));
  }

  @Override
  public String toString() {
    return "SourcesIndex[" + suite + ", " + byName.size() + " names]";
  }
}
