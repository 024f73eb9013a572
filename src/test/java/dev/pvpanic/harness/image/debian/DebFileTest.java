package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.debian.TestDeb.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DebFileTest {

  @TempDir Path tmp;

  static final String CONTROL =
      """
      Package: busybox-static
      Version: 1:1.35.0-4+b3
      Architecture: arm64
      Description: Standalone rescue shell with tons of builtin utilities
       BusyBox combines tiny versions of many common UNIX utilities.
      """;

  static TestDeb busyboxLike() {
    return new TestDeb()
        .add(Entry.dir("./"))
        .add(Entry.dir("./bin/"))
        .add(Entry.file("./bin/busybox", 0755, "#!/bin/sh\necho busybox\n"))
        .add(Entry.symlink("./bin/sh", "busybox"))
        .add(Entry.hardLink("./bin/busybox-hard", "./bin/busybox"))
        .add(Entry.dir("./usr/"))
        .add(Entry.dir("./usr/share/"))
        .add(Entry.dir("./usr/share/doc/"))
        .add(Entry.file("./usr/share/doc/README", 0644, "read me\n"))
        .add(Entry.symlink("./usr/share/doc/sh-abs", "/opt/pvh-guest-only/busybox"));
  }

  @ParameterizedTest(name = "control.tar.{0}, data.tar.{1}")
  @CsvSource({"gz, xz", "xz, zst", "zst, gz", "gz, ''"})
  void extractsFilesModesSymlinksAndHardLinks(String controlCompression, String dataCompression)
      throws IOException {
    Path deb =
        busyboxLike()
            .control(CONTROL, controlCompression)
            .dataCompression(dataCompression)
            .writeTo(tmp.resolve("busybox.deb"));
    Path root = tmp.resolve("root");

    List<String> extracted = DebFile.extract(deb, root, path -> true);

    assertEquals(
        List.of(
            "bin",
            "bin/busybox",
            "bin/sh",
            "bin/busybox-hard",
            "usr",
            "usr/share",
            "usr/share/doc",
            "usr/share/doc/README",
            "usr/share/doc/sh-abs"),
        extracted);
    Path busybox = root.resolve("bin/busybox");
    assertEquals("#!/bin/sh\necho busybox\n", Files.readString(busybox));
    assertEquals(
        "rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(busybox)));
    assertEquals(
        "rw-r--r--",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(root.resolve("usr/share/doc/README"))));
    assertTrue(Files.isSymbolicLink(root.resolve("bin/sh")));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(root.resolve("bin/sh")));
    // Absolute targets stay absolute: they mean the guest's root, not the host's.
    assertEquals(
        Path.of("/opt/pvh-guest-only/busybox"),
        Files.readSymbolicLink(root.resolve("usr/share/doc/sh-abs")));
    Path hard = root.resolve("bin/busybox-hard");
    assertFalse(Files.isSymbolicLink(hard));
    assertTrue(Files.isSameFile(busybox, hard));
    assertEquals(2, Files.getAttribute(busybox, "unix:nlink", LinkOption.NOFOLLOW_LINKS));

    assertEquals("busybox-static", DebFile.control(deb).get("Package").orElseThrow());
    assertEquals("1:1.35.0-4+b3", DebFile.control(deb).get("version").orElseThrow());
    assertEquals(extracted, DebFile.list(deb));
  }

  @Test
  void extractsOnlyWhatTheFilterAcceptsCreatingParents() throws IOException {
    Path deb = busyboxLike().writeTo(tmp.resolve("busybox.deb"));
    Path root = tmp.resolve("root");

    List<String> extracted =
        DebFile.extract(
            deb, root, path -> path.equals("bin/busybox") || path.startsWith("usr/share/doc/R"));

    assertEquals(List.of("bin/busybox", "usr/share/doc/README"), extracted);
    try (Stream<Path> all = Files.walk(root)) {
      assertEquals(
          List.of(
              "",
              "bin",
              "bin/busybox",
              "usr",
              "usr/share",
              "usr/share/doc",
              "usr/share/doc/README"),
          all.map(p -> root.relativize(p).toString()).sorted().toList());
    }
  }

  @Test
  void aHardLinkToAFilteredOutFileIsReported() {
    Path deb = busyboxLike().writeTo(tmp.resolve("busybox.deb"));

    DebFileException e =
        assertThrows(
            DebFileException.class,
            () ->
                DebFile.extract(deb, tmp.resolve("root"), path -> path.equals("bin/busybox-hard")));

    assertTrue(e.getMessage().contains("include it in the path filter"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"./../evil", "../evil", "/tmp/evil-absolute", "./usr/../../evil"})
  void refusesEntriesThatEscapeTheTarget(String name) throws IOException {
    Path deb =
        new TestDeb()
            .add(Entry.dir("./"))
            .add(Entry.file(name, 0644, "pwned"))
            .writeTo(tmp.resolve("evil.deb"));
    Path root = tmp.resolve("a/b/root");

    UnsafeDebEntryException e =
        assertThrows(UnsafeDebEntryException.class, () -> DebFile.extract(deb, root, path -> true));

    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("a/b/evil")));
    assertFalse(Files.exists(tmp.resolve("a/evil")));
    assertFalse(Files.exists(Path.of("/tmp/evil-absolute")));
  }

  @Test
  void refusesWritingThroughASymlinkThatLeadsOutside() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path deb =
        new TestDeb()
            .add(Entry.dir("./"))
            .add(Entry.symlink("./etc", outside.toString()))
            .add(Entry.file("./etc/passwd", 0644, "root::0:0::/:/bin/sh\n"))
            .writeTo(tmp.resolve("evil.deb"));

    assertThrows(
        UnsafeDebEntryException.class,
        () -> DebFile.extract(deb, tmp.resolve("root"), path -> true));

    try (Stream<Path> files = Files.list(outside)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void writesThroughSymlinksThatStayInside() throws IOException {
    // A merged-/usr root: lib -> usr/lib, and an old package shipping lib/modules/...
    Path deb =
        new TestDeb()
            .add(Entry.dir("./"))
            .add(Entry.dir("./usr/"))
            .add(Entry.dir("./usr/lib/"))
            .add(Entry.symlink("./lib", "usr/lib"))
            .add(Entry.dir("./lib/modules/"))
            .add(Entry.file("./lib/modules/pvpanic.ko", 0644, "module"))
            .writeTo(tmp.resolve("kernel.deb"));
    Path root = tmp.resolve("root");

    DebFile.extract(deb, root, path -> true);

    assertEquals("module", Files.readString(root.resolve("usr/lib/modules/pvpanic.ko")));
  }

  @Test
  void refusesFilesThatAreNotDebianPackages() throws IOException {
    Path notAr = Files.writeString(tmp.resolve("index.html"), "<html>404</html>");
    DebFileException e = assertThrows(DebFileException.class, () -> DebFile.control(notAr));
    assertTrue(e.getMessage().contains(notAr.toString()), e.getMessage());
  }
}
