package dev.pvpanic.harness.image.debian;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One paragraph of a Debian control file (Packages, Release, a .deb's control, deb822 sources):
 * {@code Field: value} lines, continuation lines starting with a space or tab, paragraphs separated
 * by blank lines. Field names are case-insensitive; a multi-line value keeps its lines, each
 * stripped, joined by {@code \n} (the first line may be empty, as in Release's {@code SHA256:}).
 *
 * @param fields field name as written to value, in file order
 */
public record ControlStanza(Map<String, String> fields) {

  public ControlStanza {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** The value of {@code name} (case-insensitive), if present. */
  public Optional<String> get(String name) {
    String value = fields.get(name);
    if (value != null) {
      return Optional.of(value);
    }
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /** The value of {@code name}, or the empty string when absent. */
  public String getOrEmpty(String name) {
    return get(name).orElse("");
  }

  /** Every paragraph of {@code text}. */
  public static List<ControlStanza> parseAll(String text) {
    List<ControlStanza> stanzas = new ArrayList<>();
    try {
      forEach(new BufferedReader(new StringReader(text)), stanzas::add);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
    return stanzas;
  }

  /**
   * Streams the paragraphs of {@code reader} to {@code consumer}, one at a time, so a large
   * Packages file is never held whole. Lines starting with {@code #} are comments (deb822).
   */
  public static void forEach(BufferedReader reader, Consumer<ControlStanza> consumer)
      throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    String currentName = null;
    StringBuilder currentValue = new StringBuilder();
    int lineNumber = 0;
    for (String line; (line = reader.readLine()) != null; ) {
      lineNumber++;
      if (line.isBlank()) {
        flush(fields, currentName, currentValue);
        currentName = null;
        if (!fields.isEmpty()) {
          consumer.accept(new ControlStanza(fields));
          fields = new LinkedHashMap<>();
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (currentName == null) {
          throw new IllegalArgumentException(
              "control data line " + lineNumber + ": continuation line without a field: " + line);
        }
        currentValue.append('\n').append(line.strip());
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "control data line " + lineNumber + ": expected 'Field: value', got: " + line);
      }
      flush(fields, currentName, currentValue);
      currentName = line.substring(0, colon).strip();
      currentValue.setLength(0);
      currentValue.append(line.substring(colon + 1).strip());
    }
    flush(fields, currentName, currentValue);
    if (!fields.isEmpty()) {
      consumer.accept(new ControlStanza(fields));
    }
  }

  private static void flush(Map<String, String> fields, String name, StringBuilder value) {
    if (name != null) {
      fields.put(name, value.toString());
    }
  }

  @Override
  public String toString() {
    // The whole map can be kilobytes (Description, file lists): show only the first field.
    return fields.entrySet().stream()
        .findFirst()
        .map(
            e ->
                "ControlStanza{"
                    + e.getKey()
                    + ": "
                    + e.getValue()
                    + ", "
                    + fields.size()
                    + " fields}")
        .orElse("ControlStanza{}");
  }
}
