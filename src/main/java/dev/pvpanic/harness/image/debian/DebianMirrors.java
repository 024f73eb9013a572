package dev.pvpanic.harness.image.debian;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where Debian's two archives are: the main archive (every suite but security) and the security
 * archive ({@code *-security} suites). URIs are kept with a trailing slash so archive paths resolve
 * under them.
 *
 * @param main e.g. a mirror's {@code /debian/}, or a snapshot archive's {@code
 *     .../archive/debian/20250520T000000Z/}
 * @param security e.g. {@code /debian-security/}
 */
public record DebianMirrors(URI main, URI security) {

  /** Environment variable naming the main archive; overridden by the command-line option. */
  public static final String MIRROR_ENV = "PVH_DEBIAN_MIRROR";

  /** Environment variable naming the security archive; derived from the main one when unset. */
  public static final String SECURITY_MIRROR_ENV = "PVH_DEBIAN_SECURITY_MIRROR";

  /** The command-line option the CLI offers for the main archive (named in error messages). */
  public static final String MIRROR_OPTION = "--mirror";

  private static final String HOW_TO_SET =
      "Pass "
          + MIRROR_OPTION
          + " <uri> (pvpanic), -Dpvh.debian.mirror=<uri> (Maven) or set "
          + MIRROR_ENV
          + " to the main archive's URI (and "
          + SECURITY_MIRROR_ENV
          + " to the security archive's, if it is not the sibling '<...>-security' path)";

  public DebianMirrors {
    main = directory(main, "main Debian archive");
    security = directory(security, "security Debian archive");
  }

  /** Mirrors with the security archive derived from the main one (see {@link #deriveSecurity}). */
  public static DebianMirrors of(URI main) {
    return new DebianMirrors(main, deriveSecurity(directory(main, "main Debian archive")));
  }

  /**
   * Finds the mirrors: {@code option} (the main archive) wins, then {@value #MIRROR_ENV}, then the
   * host's apt sources under {@code aptSourcesRoot} (normally {@code /etc/apt}). The security
   * archive comes from {@value #SECURITY_MIRROR_ENV}, else from apt when apt also gave the main
   * one, else it is derived from the main one. Throws {@link MirrorNotConfiguredException} saying
   * what to set when none is found.
   */
  public static DebianMirrors resolve(
      Optional<String> option, Map<String, String> env, Path aptSourcesRoot) {
    Optional<URI> securityFromEnv =
        nonBlank(env.get(SECURITY_MIRROR_ENV)).map(v -> parse(v, SECURITY_MIRROR_ENV));
    Optional<URI> explicitMain =
        option
            .flatMap(DebianMirrors::nonBlank)
            .map(v -> parse(v, MIRROR_OPTION))
            .or(() -> nonBlank(env.get(MIRROR_ENV)).map(v -> parse(v, MIRROR_ENV)));
    if (explicitMain.isPresent()) {
      URI main = explicitMain.get();
      return new DebianMirrors(main, securityFromEnv.orElseGet(() -> deriveSecurity(main)));
    }
    List<AptSources.Source> sources;
    try {
      sources = AptSources.read(aptSourcesRoot);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new MirrorNotConfiguredException(
          "cannot read the apt sources under "
              + aptSourcesRoot
              + ": "
              + e.getMessage()
              + ". "
              + HOW_TO_SET);
    }
    Optional<URI> aptMain =
        sources.stream()
            .filter(AptSources.Source::isDebian)
            .filter(AptSources.Source::hasNonSecuritySuite)
            .map(AptSources.Source::uri)
            .findFirst();
    Optional<URI> aptSecurity =
        sources.stream()
            .filter(AptSources.Source::isDebian)
            .filter(AptSources.Source::hasSecuritySuite)
            .map(AptSources.Source::uri)
            .findFirst();
    if (aptMain.isEmpty()) {
      throw new MirrorNotConfiguredException(
          "no Debian mirror configured: the apt sources under "
              + aptSourcesRoot
              + " name no Debian archive (with a suite like bookworm, trixie or sid, or Signed-By"
              + " the debian-archive-keyring). "
              + HOW_TO_SET);
    }
    URI main = directory(aptMain.get(), "main Debian archive");
    return new DebianMirrors(
        main, securityFromEnv.or(() -> aptSecurity).orElseGet(() -> deriveSecurity(main)));
  }

  /** The archive serving {@code suite}: security for {@code *-security}, main for the rest. */
  public URI archiveFor(String suite) {
    return AptSources.isSecuritySuite(suite) ? security : main;
  }

  /**
   * The security archive next to a main archive: the last path segment {@code debian} becomes
   * {@code debian-security} (so snapshot URIs like {@code .../archive/debian/<time>/} work), else
   * {@code -security} is appended to the last segment.
   */
  public static URI deriveSecurity(URI main) {
    String path = main.getPath() == null ? "/" : main.getPath();
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String[] segments = trimmed.split("/", -1);
    int debian = -1;
    for (int i = segments.length - 1; i >= 0; i--) {
      if (segments[i].equals("debian")) {
        debian = i;
        break;
      }
    }
    if (debian >= 0) {
      segments[debian] = "debian-security";
    } else {
      segments[segments.length - 1] = segments[segments.length - 1] + "-security";
    }
    return withPath(main, String.join("/", segments) + "/");
  }

  private static URI directory(URI uri, String which) {
    if (uri == null) {
      throw new IllegalArgumentException("the " + which + " URI is missing");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the " + which + " URI '" + uri + "' is not an http(s) URI with a host");
    }
    String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
    return path.endsWith("/") ? uri : withPath(uri, path + "/");
  }

  private static URI withPath(URI uri, String path) {
    try {
      return new URI(
          uri.getScheme(), uri.getUserInfo(), uri.getHost(), uri.getPort(), path, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot build a URI from " + uri + " and path " + path, e);
    }
  }

  private static URI parse(String value, String from) {
    try {
      return directory(new URI(value.strip()), from);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new MirrorNotConfiguredException(
          from
              + " '"
              + value
              + "' is not a usable Debian archive URI (expected e.g. http://<mirror>/debian): "
              + e.getMessage());
    }
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
