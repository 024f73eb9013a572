package dev.pvpanic.harness.image.debian;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pinned package versions of every guest image, one JSON file (e.g. {@code
 * images/packages.lock.json}). Written with a fixed key order, entries sorted by suite,
 * architecture and name, pretty-printed with {@code \n} line ends, so a re-lock shows as a small,
 * readable diff. At most one pin per (suite, arch, name). Immutable: {@link #with} returns a new
 * lock.
 */
public final class LockFile {

  /** Bumped if the layout changes incompatibly. */
  public static final int FORMAT = 1;

  private static final Comparator<Key> KEY_ORDER =
      Comparator.comparing(Key::suite).thenComparing(Key::arch).thenComparing(Key::name);

  private record Key(String suite, String arch, String name) {}

  private final TreeMap<Key, LockedPackage> packages;

  private LockFile(TreeMap<Key, LockedPackage> packages) {
    this.packages = packages;
  }

  public static LockFile empty() {
    return new LockFile(new TreeMap<>(KEY_ORDER));
  }

  /**
   * A lock holding {@code pins}; throws {@link LockFileException} when two pin the same (suite,
   * arch, name).
   */
  public static LockFile of(Collection<LockedPackage> pins) {
    TreeMap<Key, LockedPackage> map = new TreeMap<>(KEY_ORDER);
    for (LockedPackage pin : pins) {
      LockedPackage previous = map.put(keyOf(pin), pin);
      if (previous != null) {
        throw new LockFileException(
            "two pins for "
                + pin.name()
                + " in "
                + pin.suite()
                + "/"
                + pin.arch()
                + ": "
                + previous.version()
                + " and "
                + pin.version());
      }
    }
    return new LockFile(map);
  }

  /** Reads a lock file; throws {@link LockFileException} naming the file and the bad entry. */
  public static LockFile read(Path file) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new LockFileException("cannot read lock file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new LockFileException("lock file " + file + " is not a JSON object");
    }
    int format = root.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new LockFileException(
          "lock file "
              + file
              + " has format "
              + root.path("format")
              + ", this harness reads format "
              + FORMAT);
    }
    JsonNode array = root.path("packages");
    if (!array.isArray()) {
      throw new LockFileException("lock file " + file + " has no 'packages' array");
    }
    List<LockedPackage> pins = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      pins.add(pinFrom(file, i, array.get(i)));
    }
    try {
      return of(pins);
    } catch (LockFileException e) {
      throw new LockFileException("lock file " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@link #read}, or an empty lock when {@code file} does not exist yet. */
  public static LockFile readOrEmpty(Path file) {
    return Files.exists(file) ? read(file) : empty();
  }

  /** Writes the lock atomically (a temp file beside it, then a rename). */
  public void write(Path file) {
    Path absolute = file.toAbsolutePath();
    Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
    try {
      Files.createDirectories(absolute.getParent());
      Files.writeString(temp, toJson(), StandardCharsets.UTF_8);
      Files.move(
          temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new LockFileException("cannot write lock file " + file + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // The write error, if any, is the one to report.
      }
    }
  }

  /** The pin for (suite, arch, name), if any. */
  public Optional<LockedPackage> find(String suite, String arch, String name) {
    return Optional.ofNullable(packages.get(new Key(suite, arch, name)));
  }

  /** A lock with {@code pin} added, replacing any pin of the same (suite, arch, name). */
  public LockFile with(LockedPackage pin) {
    TreeMap<Key, LockedPackage> copy = new TreeMap<>(packages);
    copy.put(keyOf(pin), pin);
    return new LockFile(copy);
  }

  /** Every pin, sorted by suite, arch, name. */
  public List<LockedPackage> packages() {
    return List.copyOf(packages.values());
  }

  /** The exact text {@link #write} writes. */
  public String toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode array = root.putArray("packages");
    for (LockedPackage pin : packages.values()) {
      ObjectNode node = array.addObject();
      node.put("suite", pin.suite());
      node.put("arch", pin.arch());
      node.put("name", pin.name());
      node.put("version", pin.version());
      node.put("filename", pin.filename());
      node.put("size", pin.size());
      node.put("sha256", pin.sha256());
    }
    // Fixed "\n" indentation: the system line separator would make the file differ by platform.
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter);
    try {
      return Json.MAPPER.writer(printer).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new LockFileException("cannot serialize the lock file: " + e.getMessage(), e);
    }
  }

  private static Key keyOf(LockedPackage pin) {
    return new Key(pin.suite(), pin.arch(), pin.name());
  }

  private static LockedPackage pinFrom(Path file, int index, JsonNode node) {
    String where = "lock file " + file + ", packages[" + index + "]";
    if (!node.isObject()) {
      throw new LockFileException(where + " is not an object");
    }
    String sha256 = text(where, node, "sha256");
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new LockFileException(
          where + ": sha256 '" + sha256 + "' is not 64 lower-case hex digits");
    }
    JsonNode size = node.get("size");
    if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
      throw new LockFileException(where + ": 'size' must be a non-negative number of bytes");
    }
    LockedPackage pin =
        new LockedPackage(
            text(where, node, "suite"),
            text(where, node, "arch"),
            text(where, node, "name"),
            text(where, node, "version"),
            text(where, node, "filename"),
            size.asLong(),
            sha256);
    if (pin.filename().startsWith("/") || List.of(pin.filename().split("/")).contains("..")) {
      throw new LockFileException(
          where + ": filename '" + pin.filename() + "' must be a pool path like pool/main/...");
    }
    return pin;
  }

  private static String text(String where, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new LockFileException(where + ": '" + field + "' must be a non-empty string");
    }
    return value.asText();
  }
}
