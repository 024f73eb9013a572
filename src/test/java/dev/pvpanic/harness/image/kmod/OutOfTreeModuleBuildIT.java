package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real build: Debian's arm64 6.12 backports kernel has no pvpanic; build pvpanic.ko and
 * pvpanic-pci.ko for it from its own packages with bookworm's cross gcc-12.
 *
 * <p>Needs {@code -Dpvh.kmod.debs=<folder>} holding, as {@code apt-get download} names them: {@code
 * linux-headers-<release>}, {@code linux-headers-<abi>-common}, {@code linux-kbuild-<abi>} (for the
 * build host's architecture) and {@code linux-source-<major.minor>}; {@code dpkg-deb} to extract
 * them (as the harness's own Debian client would); and {@code aarch64-linux-gnu-gcc-12} ({@code
 * apt-get install gcc-12-aarch64-linux-gnu}). Otherwise it is skipped, saying which. {@code
 * -Dpvh.kmod.release}, {@code -Dpvh.kmod.version} and {@code -Dpvh.kmod.vermagic} pick another
 * kernel.
 */
class OutOfTreeModuleBuildIT {
  private static final String RELEASE = "6.12.95+deb12-arm64";
  private static final String VERSION = "6.12.95-1~bpo12+1";
  // Read from the kernel's own modules (linux-image-6.12.95+deb12-arm64): PREEMPT_VOLUNTARY, so
  // no "preempt" in it.
  private static final String VERMAGIC = RELEASE + " SMP mod_unload modversions aarch64";

  @TempDir Path dir;

  @Test
  void buildsPvpanicModulesTheKernelWouldLoad() throws IOException {
    String release = System.getProperty("pvh.kmod.release", RELEASE);
    KernelPackages packages =
        KernelPackages.forRelease(release, System.getProperty("pvh.kmod.version", VERSION));
    String debDir = System.getProperty("pvh.kmod.debs");
    assumeTrue(debDir != null, "set -Dpvh.kmod.debs=<folder with the kernel's .debs> to run");
    Path debs = Path.of(debDir);
    assumeTrue(onPath("dpkg-deb"), "dpkg-deb is not on PATH: needed to extract the .debs");
    CrossCompiler compiler;
    try {
      compiler = CrossCompiler.find(packages.arch().debianArch());
    } catch (ModuleBuildException e) {
      assumeTrue(false, e.getMessage());
      return;
    }
    Path headers = Files.createDirectories(dir.resolve("headers"));
    for (PackageRef p : packages.buildTree()) {
      Path deb = deb(debs, p.name());
      new LoggedCommand(
              List.of("dpkg-deb", "-x", deb.toString(), headers.toString()), dir, Map.of())
          .run(dir.resolve("dpkg-deb.log"), Duration.ofMinutes(2));
    }
    Path source = deb(debs, packages.source());

    long start = System.nanoTime();
    OutOfTreeModuleBuild build = new OutOfTreeModuleBuild(headers, source, packages, compiler);
    String vermagic =
        System.getProperty("pvh.kmod.vermagic", release.equals(RELEASE) ? VERMAGIC : "");
    if (!vermagic.isEmpty()) {
      build = build.expectingVermagic(vermagic);
    }
    BuiltModules built = build.run(dir.resolve("work"));
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
    assertEquals(TinyElf.EM_AARCH64, pci.elfMachine());
    assertTrue(built.provenance().compiler().startsWith("aarch64-linux-gnu-gcc-12 "));
  }

  private static Path deb(Path folder, String packageName) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      Optional<Path> deb =
          list.filter(p -> p.getFileName().toString().startsWith(packageName + "_"))
              .filter(p -> p.getFileName().toString().endsWith(".deb"))
              .findFirst();
      assumeTrue(deb.isPresent(), "no " + packageName + "_*.deb in " + folder);
      return deb.get();
    }
  }

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }
}
