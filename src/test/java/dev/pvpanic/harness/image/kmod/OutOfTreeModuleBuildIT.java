package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.elf.ElfMachine;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.RecipeResolver;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.junit.TestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real build: Debian's arm64 6.12 backports kernel has no pvpanic; build pvpanic.ko and
 * pvpanic-pci.ko for it from the packages images/packages.lock.json pins for the aarch64-6.12-bpo
 * recipe (fetched and extracted by the project's own Debian client; a warm cache needs no network),
 * with bookworm's cross gcc-12 (ci/setup.sh installs gcc-12-aarch64-linux-gnu).
 */
class OutOfTreeModuleBuildIT {
  private static final String RECIPE = "aarch64-6.12-bpo";

  @TempDir Path dir;

  @Test
  void buildsPvpanicModulesTheKernelWouldLoad() throws IOException {
    RecipePins pins =
        ImageLock.readOrEmpty(TestSettings.jvm().lockFile()).pins(RECIPE).orElseThrow();
    String release = RecipeResolver.release(pins.kernel()).orElseThrow();
    String version = pins.moduleBuild().get(0).version();
    KernelPackages packages = KernelPackages.forRelease(release, version);
    CrossCompiler compiler = CrossCompiler.find(packages.arch().debianArch());
    DebianArchive archive = archive();

    Path headers = Files.createDirectories(dir.resolve("headers"));
    Path source = null;
    for (LockedPackage p : pins.moduleBuild()) {
      Path deb = archive.fetch(p);
      if (p.name().equals(packages.source())) {
        source = Files.createSymbolicLink(dir.resolve(p.name() + ".deb"), deb);
      } else {
        DebFile.extract(deb, headers, path -> true);
      }
    }
    assertTrue(source != null, "the lock pins " + packages.source());

    long start = System.nanoTime();
    // The kernel is PREEMPT_VOLUNTARY: its own modules carry no "preempt" in their vermagic.
    BuiltModules built =
        new OutOfTreeModuleBuild(headers, source, packages, compiler)
            .expectingVermagic(release + " SMP mod_unload modversions aarch64")
            .run(dir.resolve("work"));
    System.out.printf(
        "built %s in %d ms: %s%n",
        built.modules(),
        Duration.ofNanos(System.nanoTime() - start).toMillis(),
        built.provenance());

    assertEquals(List.of("pvpanic.ko", "pvpanic-pci.ko"), names(built.modules()));
    ModuleInfo pci = ModuleInfo.read(built.modules().get(1));
    assertEquals(Optional.of("pvpanic"), pci.first("depends"));
    assertTrue(
        pci.fields().get("alias").contains("pci:v00001B36d00000011sv*sd*bc*sc*i*"),
        pci.fields().toString());
    assertEquals(ElfMachine.AARCH64, pci.elfMachine());
    assertTrue(built.provenance().compiler().startsWith("aarch64-linux-gnu-gcc-12 "));
  }

  private static DebianArchive archive() {
    return ImageEnvironment.archive(
        TestSettings.jvm(), Optional.empty(), ContentStore.at(TestSettings.jvm()));
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }
}
