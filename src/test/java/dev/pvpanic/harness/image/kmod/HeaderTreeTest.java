package dev.pvpanic.harness.image.kmod;

import static dev.pvpanic.harness.image.kmod.FakeHeaderTree.ABI;
import static dev.pvpanic.harness.image.kmod.FakeHeaderTree.PACKAGES;
import static dev.pvpanic.harness.image.kmod.FakeHeaderTree.RELEASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderTreeTest {
  @TempDir Path root;

  @Test
  void absoluteLinksIntoTheTreeBecomeRelative() throws IOException {
    FakeHeaderTree.create(root);
    Path build = root.resolve("lib/modules/" + RELEASE + "/build");
    Path source = root.resolve("lib/modules/" + RELEASE + "/source");

    HeaderTree.prepare(root, PACKAGES);

    assertEquals(
        Path.of("../../../usr/src/linux-headers-" + RELEASE), Files.readSymbolicLink(build));
    assertEquals(
        Path.of("../../../usr/src/linux-headers-" + ABI + "-common"),
        Files.readSymbolicLink(source));
    assertEquals(root.resolve("usr/src/linux-headers-" + RELEASE).toRealPath(), build.toRealPath());
  }

  @Test
  void relativeLinksAndLinksOutOfTheTreeStayAsTheyAre() throws IOException {
    FakeHeaderTree.create(root);
    Path outside = root.resolve("lib/modules/" + RELEASE + "/hostname");
    Files.createSymbolicLink(outside, Path.of("/nonexistent/pvh-test/hostname"));
    Path scripts = root.resolve("usr/src/linux-headers-" + RELEASE + "/scripts");

    HeaderTree.prepare(root, PACKAGES);

    assertEquals(Path.of("/nonexistent/pvh-test/hostname"), Files.readSymbolicLink(outside));
    assertEquals(
        Path.of("../../lib/linux-kbuild-" + ABI + "/scripts"), Files.readSymbolicLink(scripts));
  }

  @Test
  void theFlavourMakefileIncludesTheCommonMakefileInsideTheTree() throws IOException {
    FakeHeaderTree.create(root);

    HeaderTree tree = HeaderTree.prepare(root, PACKAGES);

    assertEquals(
        List.of("include " + tree.commonDir().resolve("Makefile")),
        Files.readAllLines(tree.buildDir().resolve("Makefile")));
    assertTrue(tree.commonDir().startsWith(root.toAbsolutePath()));
  }

  @Test
  void aSevenXMakefileHasItsKbuildOutputPointedIntoTheTreeToo() throws IOException {
    FakeHeaderTree.create(root);
    Path makefile = root.resolve("usr/src/linux-headers-" + RELEASE + "/Makefile");
    // as Debian's 7.x linux-headers-<release> ships it
    Files.writeString(
        makefile,
        "KBUILD_OUTPUT=/usr/src/linux-headers-"
            + RELEASE
            + "\ninclude /usr/src/linux-headers-"
            + ABI
            + "-common/Makefile\n");

    HeaderTree tree = HeaderTree.prepare(root, PACKAGES);

    assertEquals(
        List.of(
            "KBUILD_OUTPUT=" + tree.buildDir(), "include " + tree.commonDir().resolve("Makefile")),
        Files.readAllLines(makefile));
    assertFalse(HeaderTree.rewriteIncludes(makefile, root.toAbsolutePath()));
  }

  @Test
  void preparingTwiceChangesNothingTheSecondTime() throws IOException {
    FakeHeaderTree.create(root);
    HeaderTree tree = HeaderTree.prepare(root, PACKAGES);
    Path makefile = tree.buildDir().resolve("Makefile");
    String once = Files.readString(makefile);

    assertEquals(List.of(), HeaderTree.relinkAbsoluteSymlinks(root.toAbsolutePath()));
    assertFalse(HeaderTree.rewriteIncludes(makefile, root.toAbsolutePath()));
    HeaderTree.prepare(root, PACKAGES);
    assertEquals(once, Files.readString(makefile));
  }

  @Test
  void readsConfigValuesWithoutQuotes() throws IOException {
    FakeHeaderTree.create(root);

    HeaderTree tree = HeaderTree.prepare(root, PACKAGES);

    assertEquals(
        Optional.of("aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0"),
        tree.config("CONFIG_CC_VERSION_TEXT"));
    assertEquals(Optional.of("120200"), tree.config("CONFIG_GCC_VERSION"));
    assertEquals(Optional.empty(), tree.config("CONFIG_PVPANIC"));
  }

  @Test
  void aMissingKbuildPackageIsNamed() throws IOException {
    FakeHeaderTree.create(root);
    deleteTree(root.resolve("usr/lib/linux-kbuild-" + ABI));

    ModuleBuildException e =
        assertThrows(ModuleBuildException.class, () -> HeaderTree.prepare(root, PACKAGES));

    assertTrue(
        e.getMessage().contains("extract linux-kbuild-6.12.95+deb12_6.12.95-1~bpo12+1"),
        e.getMessage());
  }

  @Test
  void aToolThatLostItsExecutableBitIsReported() throws IOException {
    FakeHeaderTree.create(root);
    Files.setPosixFilePermissions(
        root.resolve("usr/lib/linux-kbuild-" + ABI + "/scripts/mod/modpost"),
        PosixFilePermissions.fromString("rw-r--r--"));

    ModuleBuildException e =
        assertThrows(ModuleBuildException.class, () -> HeaderTree.prepare(root, PACKAGES));

    assertTrue(e.getMessage().contains("modpost is not executable"), e.getMessage());
    assertTrue(e.getMessage().contains("keep file modes"), e.getMessage());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
