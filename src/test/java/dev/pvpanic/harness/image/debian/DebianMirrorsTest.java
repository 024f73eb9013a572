package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianMirrorsTest {

  @TempDir Path apt;

  static final String DEB822 =
      """
      Types: deb
      # a comment inside the stanza
      URIs: http://mirror.test/debian
      Suites: bookworm bookworm-updates
      Components: main
      Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

      Types: deb
      URIs: http://security.test/debian-security
      Suites: bookworm-security
      Components: main
      Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
      """;

  private void write(String relative, String text) throws IOException {
    Path file = apt.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private DebianMirrors resolve(Optional<String> option, Map<String, String> env) {
    return DebianMirrors.resolve(option, env, apt);
  }

  @Test
  void readsMainAndSecurityFromDeb822Sources() throws IOException {
    write("sources.list.d/debian.sources", DEB822);

    DebianMirrors mirrors = resolve(Optional.empty(), Map.of());

    assertEquals(URI.create("http://mirror.test/debian/"), mirrors.main());
    assertEquals(URI.create("http://security.test/debian-security/"), mirrors.security());
  }

  @Test
  void readsOneLineSourcesAndSkipsCommentsDisabledFilesAndThirdPartyRepos() throws IOException {
    write(
        "sources.list",
        """
        # deb http://commented.test/debian bookworm main
        deb-src http://src.test/debian bookworm main
        deb [arch=amd64 signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.test/apt cloud-sdk main
        deb https://download.docker.test/linux/debian bookworm stable
        deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] https://one-line.test/debian/ trixie main contrib
        deb https://one-line.test/debian-security trixie-security main
        """);
    write(
        "sources.list.d/nodesource.sources.disabled-by-farm",
        DEB822.replace("mirror.test", "disabled.test"));
    write(
        "sources.list.d/off.sources",
        "Enabled: no\nTypes: deb\nURIs: http://off.test/debian\nSuites: sid\nComponents: main\n");

    DebianMirrors mirrors = resolve(Optional.empty(), Map.of());

    assertEquals(URI.create("https://one-line.test/debian/"), mirrors.main());
    assertEquals(URI.create("https://one-line.test/debian-security/"), mirrors.security());
  }

  @Test
  void sourcesListComesBeforeSourcesListD() throws IOException {
    write("sources.list", "deb http://first.test/debian sid main\n");
    write("sources.list.d/debian.sources", DEB822);

    DebianMirrors mirrors = resolve(Optional.empty(), Map.of());

    assertEquals(URI.create("http://first.test/debian/"), mirrors.main());
    assertEquals(URI.create("http://security.test/debian-security/"), mirrors.security());
  }

  @Test
  void theOptionWinsOverTheEnvironmentWhichWinsOverApt() throws IOException {
    write("sources.list.d/debian.sources", DEB822);
    Map<String, String> env = Map.of(DebianMirrors.MIRROR_ENV, "http://env.test/debian");

    assertEquals(
        URI.create("http://option.test/debian/"),
        resolve(Optional.of("http://option.test/debian"), env).main());
    assertEquals(URI.create("http://env.test/debian/"), resolve(Optional.empty(), env).main());
    // An explicit main archive does not mix with apt's security archive: derive the sibling.
    assertEquals(
        URI.create("http://env.test/debian-security/"), resolve(Optional.empty(), env).security());
  }

  @Test
  void theSecurityVariableOverridesDerivationAndApt() throws IOException {
    write("sources.list.d/debian.sources", DEB822);
    Map<String, String> env =
        Map.of(
            DebianMirrors.MIRROR_ENV, "http://env.test/debian",
            DebianMirrors.SECURITY_MIRROR_ENV, "http://sec-env.test/ds");

    assertEquals(URI.create("http://sec-env.test/ds/"), resolve(Optional.empty(), env).security());
    assertEquals(
        URI.create("http://sec-env.test/ds/"),
        resolve(
                Optional.empty(),
                Map.of(DebianMirrors.SECURITY_MIRROR_ENV, "http://sec-env.test/ds"))
            .security());
  }

  @Test
  void derivesTheSecurityArchiveWhenNoneIsConfigured() throws IOException {
    write("sources.list.d/debian.sources", DEB822.substring(0, DEB822.indexOf("\n\n")));

    DebianMirrors mirrors = resolve(Optional.empty(), Map.of());

    assertEquals(URI.create("http://mirror.test/debian-security/"), mirrors.security());
  }

  @Test
  void derivesSiblingPathsForPlainAndSnapshotArchives() {
    assertEquals(
        URI.create("http://m.test/debian-security/"),
        DebianMirrors.deriveSecurity(URI.create("http://m.test/debian/")));
    assertEquals(
        URI.create("http://snap.test/archive/debian-security/20250520T000000Z/"),
        DebianMirrors.deriveSecurity(
            URI.create("http://snap.test/archive/debian/20250520T000000Z/")));
    assertEquals(
        URI.create("https://m.test:8443/mirror/deb-security/"),
        DebianMirrors.deriveSecurity(URI.create("https://m.test:8443/mirror/deb/")));
    assertEquals(
        URI.create("http://m.test/debian-security/"),
        DebianMirrors.of(URI.create("http://m.test/debian")).security());
  }

  @Test
  void mapsSuitesToTheirArchive() {
    DebianMirrors mirrors =
        new DebianMirrors(
            URI.create("http://m.test/debian"), URI.create("http://s.test/debian-security"));
    for (String suite :
        List.of(
            "bookworm",
            "bookworm-backports",
            "bookworm-updates",
            "trixie",
            "sid",
            "experimental")) {
      assertEquals(URI.create("http://m.test/debian/"), mirrors.archiveFor(suite), suite);
    }
    for (String suite : List.of("bullseye-security", "bookworm-security", "trixie-security")) {
      assertEquals(URI.create("http://s.test/debian-security/"), mirrors.archiveFor(suite), suite);
    }
  }

  @Test
  void saysWhatToSetWhenNothingIsFound() throws IOException {
    write("sources.list", "deb https://download.docker.test/linux/debian bookworm stable\n");

    MirrorNotConfiguredException e =
        assertThrows(MirrorNotConfiguredException.class, () -> resolve(Optional.empty(), Map.of()));

    assertTrue(e.getMessage().contains(DebianMirrors.MIRROR_OPTION), e.getMessage());
    assertTrue(e.getMessage().contains("PVH_DEBIAN_MIRROR"), e.getMessage());
    assertTrue(e.getMessage().contains(apt.toString()), e.getMessage());
  }

  @Test
  void aMissingAptFolderIsNothingFoundNotACrash() {
    assertThrows(
        MirrorNotConfiguredException.class,
        () -> DebianMirrors.resolve(Optional.empty(), Map.of(), apt.resolve("absent")));
  }

  @Test
  void refusesAnUnusableUriNamingWhereItCameFrom() {
    MirrorNotConfiguredException e =
        assertThrows(
            MirrorNotConfiguredException.class,
            () ->
                resolve(
                    Optional.empty(), Map.of(DebianMirrors.MIRROR_ENV, "ftp://old.test/debian")));
    assertTrue(
        e.getMessage().startsWith("PVH_DEBIAN_MIRROR 'ftp://old.test/debian'"), e.getMessage());
  }

  @Test
  void recognisesDebianSuitesOnly() {
    for (String suite :
        List.of(
            "bookworm",
            "trixie-security",
            "sid",
            "experimental",
            "bullseye/updates",
            "forky-backports")) {
      assertTrue(AptSources.isDebianSuite(suite), suite);
    }
    for (String suite : List.of("jammy", "cloud-sdk", "bookworm-pgdg", "nodistro", "stable-foo")) {
      assertFalse(AptSources.isDebianSuite(suite), suite);
    }
  }
}
