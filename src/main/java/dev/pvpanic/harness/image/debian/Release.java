package dev.pvpanic.harness.image.debian;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The verified content of a suite's InRelease: which suite it is, when it was made, until when it
 * claims to be fresh, and the SHA-256 and size of every index file under {@code dists/<suite>/}.
 *
 * @param suite the {@code Suite} field (e.g. {@code unstable}, {@code oldstable-backports})
 * @param codename the {@code Codename} field (e.g. {@code sid}, {@code bookworm-backports})
 * @param date when the archive signed it
 * @param validUntil after this the Release is stale: the archive client refuses it unless told to
 *     take it (snapshot archives serve Releases long past it)
 * @param acquireByHash the archive also serves each index under {@code by-hash/SHA256/<hash>},
 *     which cannot change while a mirror syncs
 * @param files path to entry, from the {@code SHA256} field
 */
public record Release(
    String suite,
    String codename,
    Optional<Instant> date,
    Optional<Instant> validUntil,
    boolean acquireByHash,
    Map<String, IndexedFile> files) {

  // Release dates look like "Sat, 11 Jul 2026 10:16:37 UTC"; RFC_1123 would reject "UTC".
  private static final DateTimeFormatter RELEASE_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss z", Locale.ROOT);

  public Release {
    files = Collections.unmodifiableMap(new TreeMap<>(files));
  }

  /**
   * Parses verified Release text. {@code requestedSuite} (a codename or suite name, e.g. {@code
   * sid} or {@code unstable}) must be the {@code Suite} or {@code Codename} it declares: a mirror
   * that answers one suite's URL with another suite's signed Release is refused.
   */
  public static Release parse(String requestedSuite, String text) {
    List<ControlStanza> stanzas;
    try {
      stanzas = ControlStanza.parseAll(text);
    } catch (IllegalArgumentException e) {
      throw new DebianArchiveException(
          "Release of suite '" + requestedSuite + "' is not control data: " + e.getMessage(), e);
    }
    if (stanzas.isEmpty()) {
      throw new DebianArchiveException("Release of suite '" + requestedSuite + "' is empty");
    }
    ControlStanza release = stanzas.get(0);
    String suite = release.getOrEmpty("Suite");
    String codename = release.getOrEmpty("Codename");
    if (!requestedSuite.equals(suite) && !requestedSuite.equals(codename)) {
      throw new DebianArchiveException(
          "asked for suite '"
              + requestedSuite
              + "' but the mirror's signed Release is for Suite '"
              + suite
              + "', Codename '"
              + codename
              + "'; the mirror is misconfigured or replaying another suite");
    }
    Map<String, IndexedFile> files = new TreeMap<>();
    String sha256 = release.getOrEmpty("SHA256");
    for (String line : sha256.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.strip().split("\\s+");
      if (parts.length != 3 || !parts[0].matches("[0-9a-fA-F]{64}") || !parts[1].matches("\\d+")) {
        throw new DebianArchiveException(
            "Release of suite '"
                + requestedSuite
                + "': bad SHA256 line '"
                + line
                + "' (expected '<sha256> <size> <path>')");
      }
      files.put(
          parts[2],
          new IndexedFile(parts[2], Long.parseLong(parts[1]), parts[0].toLowerCase(Locale.ROOT)));
    }
    return new Release(
        suite,
        codename,
        parseDate(requestedSuite, "Date", release.get("Date")),
        parseDate(requestedSuite, "Valid-Until", release.get("Valid-Until")),
        release.get("Acquire-By-Hash").map(v -> v.strip().equalsIgnoreCase("yes")).orElse(false),
        files);
  }

  /** The entry for {@code path} (relative to {@code dists/<suite>/}), if listed. */
  public Optional<IndexedFile> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  /** True when Valid-Until is set and {@code now} is past it. */
  public boolean isStaleAt(Instant now) {
    return validUntil.map(now::isAfter).orElse(false);
  }

  private static Optional<Instant> parseDate(String suite, String field, Optional<String> value) {
    if (value.isEmpty() || value.get().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(value.get().strip(), RELEASE_DATE).toInstant());
    } catch (DateTimeParseException e) {
      throw new DebianArchiveException(
          "Release of suite '"
              + suite
              + "': "
              + field
              + " '"
              + value.get()
              + "' is not a date like 'Sat, 11 Jul 2026 10:16:37 UTC'",
          e);
    }
  }
}
