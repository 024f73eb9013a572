package dev.pvpanic.harness.image.debian;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The host's apt sources: one-line {@code sources.list} and {@code sources.list.d/*.list}, and
 * deb822 {@code sources.list.d/*.sources}. Files with other suffixes (apt ignores {@code .save},
 * {@code .disabled}, ...) and stanzas with {@code Enabled: no} are skipped, as apt does.
 */
final class AptSources {

  /** One {@code deb} source: an archive URI and the suites read from it. */
  record Source(URI uri, List<String> suites, List<String> components, Optional<String> signedBy) {

    /**
     * True when this looks like Debian's own archive rather than a third-party repository: signed
     * by the Debian archive keyring, or (without Signed-By) Debian suite names with the {@code
     * main} component. Third-party repos that reuse Debian codenames (e.g. "bookworm stable") sign
     * with their own key or lack {@code main}.
     */
    boolean isDebian() {
      if (signedBy.isPresent()) {
        return signedBy.get().contains("debian-archive-");
      }
      return components.contains("main") && suites.stream().anyMatch(AptSources::isDebianSuite);
    }

    boolean hasSecuritySuite() {
      return suites.stream().anyMatch(AptSources::isSecuritySuite);
    }

    boolean hasNonSecuritySuite() {
      return suites.stream().anyMatch(s -> !isSecuritySuite(s));
    }
  }

  private static final Set<String> DEBIAN_NAMES =
      Set.of(
          "buster",
          "bullseye",
          "bookworm",
          "trixie",
          "forky",
          "duke",
          "sid",
          "experimental",
          "rc-buggy",
          "stable",
          "oldstable",
          "oldoldstable",
          "testing",
          "unstable");
  private static final Pattern DEBIAN_SUFFIX =
      Pattern.compile(
          "(-security|-updates|-backports|-backports-sloppy|-proposed-updates|/updates)?");

  private AptSources() {}

  static boolean isSecuritySuite(String suite) {
    return suite.endsWith("-security") || suite.endsWith("/updates");
  }

  static boolean isDebianSuite(String suite) {
    for (String name : DEBIAN_NAMES) {
      if (suite.startsWith(name)
          && DEBIAN_SUFFIX.matcher(suite.substring(name.length())).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Every enabled {@code deb} source under {@code aptRoot} (normally /etc/apt), in apt's order. */
  static List<Source> read(Path aptRoot) {
    List<Source> sources = new ArrayList<>();
    Path list = aptRoot.resolve("sources.list");
    if (Files.isRegularFile(list)) {
      sources.addAll(parseOneLine(readText(list)));
    }
    Path dir = aptRoot.resolve("sources.list.d");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.endsWith(".list")) {
            sources.addAll(parseOneLine(readText(file)));
          } else if (name.endsWith(".sources")) {
            sources.addAll(parseDeb822(readText(file)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    return sources;
  }

  /** {@code deb [opt=value ...] uri suite [component ...]} lines. */
  static List<Source> parseOneLine(String text) {
    List<Source> sources = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = stripComment(raw).strip();
      if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
        continue; // blank, comment, deb-src
      }
      String rest = line.substring(3).strip();
      Optional<String> signedBy = Optional.empty();
      if (rest.startsWith("[")) {
        int close = rest.indexOf(']');
        if (close < 0) {
          continue; // malformed; apt would refuse it too
        }
        for (String option : rest.substring(1, close).strip().split("\\s+")) {
          int eq = option.indexOf('=');
          if (eq > 0 && option.substring(0, eq).equalsIgnoreCase("signed-by")) {
            signedBy = Optional.of(option.substring(eq + 1));
          }
        }
        rest = rest.substring(close + 1).strip();
      }
      String[] words = rest.split("\\s+");
      if (words.length < 2) {
        continue;
      }
      Optional<URI> uri = httpUri(words[0]);
      if (uri.isPresent()) {
        sources.add(
            new Source(
                uri.get(),
                List.of(words[1]),
                Arrays.asList(words).subList(2, words.length),
                signedBy));
      }
    }
    return sources;
  }

  /** deb822 stanzas: {@code Types:}, {@code URIs:}, {@code Suites:}, {@code Components:}. */
  static List<Source> parseDeb822(String text) {
    List<Source> sources = new ArrayList<>();
    for (ControlStanza stanza : ControlStanza.parseAll(text)) {
      if (stanza.get("Enabled").map(v -> v.strip().equalsIgnoreCase("no")).orElse(false)) {
        continue;
      }
      if (!words(stanza.getOrEmpty("Types")).contains("deb")) {
        continue;
      }
      List<String> suites = words(stanza.getOrEmpty("Suites"));
      List<String> components = words(stanza.getOrEmpty("Components"));
      // Signed-By is a file path or an inline key block; only the path tells which keyring.
      Optional<String> signedBy = stanza.get("Signed-By").map(String::strip);
      for (String word : words(stanza.getOrEmpty("URIs"))) {
        httpUri(word).ifPresent(uri -> sources.add(new Source(uri, suites, components, signedBy)));
      }
    }
    return sources;
  }

  private static List<String> words(String value) {
    String v = value.strip();
    return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
  }

  /**
   * Only plain http(s) archives can be fetched with an HTTP client ({@code mirror+}, {@code cdrom:}
   * cannot).
   */
  private static Optional<URI> httpUri(String text) {
    try {
      URI uri = URI.create(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
          ? Optional.of(uri)
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return hash >= 0 ? line.substring(0, hash) : line;
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read apt sources file " + file, e);
    }
  }
}
