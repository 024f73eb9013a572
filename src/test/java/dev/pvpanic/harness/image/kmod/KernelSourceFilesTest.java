package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSourceFilesTest {
  private static final List<String> PVPANIC = ModuleSet.PVPANIC.sourceFiles();

  @TempDir Path dir;

  @Test
  void takesOnlyTheWantedFilesOutOfTheTarball() throws IOException {
    Path tarball =
        FakeKernelSource.tarball(dir.resolve("linux-source-6.12.tar.xz"), FakeKernelSource.files());
    Path dest = dir.resolve("out");

    Map<String, Path> got =
        KernelSourceFiles.extract(tarball, "drivers/misc/pvpanic", PVPANIC, dest);

    assertEquals(PVPANIC, List.copyOf(got.keySet()));
    assertEquals("/* core */\n", Files.readString(got.get("pvpanic.c")));
    assertEquals("/* pci */\n", Files.readString(got.get("pvpanic-pci.c")));
    assertEquals("/* header */\n", Files.readString(got.get("pvpanic.h")));
    try (Stream<Path> list = Files.list(dest)) {
      assertEquals(3, list.count(), "nothing else extracted");
    }
  }

  @Test
  void readsTheTarballStraightOutOfTheLinuxSourceDeb() throws IOException {
    Path deb =
        FakeKernelSource.deb(
            dir.resolve("linux-source-6.12_6.12.95-1~bpo12+1_all.deb"), FakeKernelSource.files());

    Map<String, Path> got =
        KernelSourceFiles.extract(deb, "drivers/misc/pvpanic/", PVPANIC, dir.resolve("out"));

    assertEquals("/* core */\n", Files.readString(got.get("pvpanic.c")));
  }

  @Test
  void aMissingFileIsNamedWithTheArchive() throws IOException {
    Map<String, String> files = FakeKernelSource.files();
    files.remove("drivers/misc/pvpanic/pvpanic.h");
    Path tarball = FakeKernelSource.tarball(dir.resolve("linux-source-6.12.tar.xz"), files);

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () ->
                KernelSourceFiles.extract(
                    tarball, "drivers/misc/pvpanic", PVPANIC, dir.resolve("out")));

    assertTrue(e.getMessage().contains("no [pvpanic.h]"), e.getMessage());
    assertTrue(e.getMessage().contains(tarball.toString()), e.getMessage());
  }

  @Test
  void aDebWithoutTheTarballIsNotALinuxSourcePackage() throws IOException {
    Path deb = FakeKernelSource.debWithoutTarball(dir.resolve("linux-doc_all.deb"));

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> KernelSourceFiles.extract(deb, "drivers/misc/pvpanic", PVPANIC, dir));

    assertTrue(e.getMessage().contains("is it a linux-source package?"), e.getMessage());
  }

  @Test
  void aMissingArchiveIsNamed() {
    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () ->
                KernelSourceFiles.extract(
                    dir.resolve("missing.deb"), "drivers/misc/pvpanic", PVPANIC, dir));

    assertTrue(e.getMessage().contains("missing.deb"), e.getMessage());
  }
}
