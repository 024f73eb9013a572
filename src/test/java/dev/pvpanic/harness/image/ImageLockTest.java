package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.debian.LockedPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLockTest {
  private static final LockedPackage QEMU =
      new LockedPackage(
          "bookworm-backports",
          "amd64",
          "qemu-system-x86",
          "1:10.0.2",
          "pool/main/q/qemu/qemu-system-x86.deb",
          10,
          "a".repeat(64));
  private static final LockedPackage BUSYBOX =
      new LockedPackage(
          "bookworm", "amd64", "busybox-static", "1", "pool/main/b/b.deb", 1, "b".repeat(64));

  @Test
  void aWrittenLockIsReadableByEveryone(@TempDir Path dir) throws Exception {
    // an atomic write goes through a 0600 temp file; the lock is read by other users too
    Path file = dir.resolve("packages.lock.json");
    ImageLock.empty().write(file);
    assertEquals(
        "rw-r--r--",
        java.nio.file.attribute.PosixFilePermissions.toString(
            java.nio.file.Files.getPosixFilePermissions(file)));
  }

  @Test
  void aLockWithoutAQemuSectionReadsAndWritesUnchanged(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lock.json");
    ImageLock.empty()
        .with("r", new ImageLock.RecipePins(List.of(), List.of(BUSYBOX), List.of()))
        .write(file);
    assertFalse(Files.readString(file).contains("qemu"), Files.readString(file));
    ImageLock read = ImageLock.readOrEmpty(file);
    assertEquals(Optional.empty(), read.qemuPins("debian:x/amd64/qemu-system-x86"));
    assertEquals(List.of(BUSYBOX), read.pins("r").orElseThrow().userland());
  }

  @Test
  void qemuPinsSurviveAWriteAndARecipeRelock(@TempDir Path dir) {
    Path file = dir.resolve("lock.json");
    String key = "debian:bookworm-backports/amd64/qemu-system-x86";
    ImageLock.empty().withQemu(key, List.of(QEMU)).write(file);
    ImageLock relocked =
        ImageLock.readOrEmpty(file)
            .with("r", new ImageLock.RecipePins(List.of(), List.of(BUSYBOX), List.of()));
    relocked.write(file);
    ImageLock read = ImageLock.readOrEmpty(file);
    assertEquals(Optional.of(List.of(QEMU)), read.qemuPins(key));
    assertTrue(read.pins("r").isPresent());
  }

  @Test
  void everyShippedRecipeMatchesItsLockEntry() {
    ImageRecipes recipes = ImageRecipes.load(java.nio.file.Path.of("images/recipes"));
    ImageLock lock = ImageLock.readOrEmpty(java.nio.file.Path.of("images/packages.lock.json"));
    for (String name : recipes.names()) {
      ImageRecipe r = recipes.get(name);
      lock.pins(name).ifPresent(p -> assertEquals(java.util.Optional.empty(), p.staleFor(r), name));
    }
  }

  @Test
  void aRecipeWhoseSuitePackageOrDriverPolicyChangedIsStale() {
    ImageRecipes recipes = ImageRecipes.load(java.nio.file.Path.of("images/recipes"));
    ImageLock lock = ImageLock.readOrEmpty(java.nio.file.Path.of("images/packages.lock.json"));
    ImageRecipe r = recipes.get("x86_64-6.12");
    ImageLock.RecipePins pins = lock.pins(r.name()).orElseThrow();
    ImageRecipe.DebianKernel k = (ImageRecipe.DebianKernel) r.kernel();
    ImageRecipe otherSuite =
        new ImageRecipe(
            r.name(),
            r.arch(),
            r.version(),
            new ImageRecipe.DebianKernel("sid", k.pkg(), k.exactVersion()),
            r.userlandSuite(),
            r.cmdline(),
            r.pvpanic(),
            r.file(),
            r.triggerModules());
    String why = pins.staleFor(otherSuite).orElseThrow();
    assertTrue(why.contains("kernel linux-image-amd64 from sid"), why);
    assertTrue(why.contains("pvpanic images lock x86_64-6.12"), why);
    ImageRecipe otherPackage =
        new ImageRecipe(
            r.name(),
            r.arch(),
            r.version(),
            new ImageRecipe.DebianKernel(k.suite(), "linux-image-cloud-amd64", k.exactVersion()),
            "trixie",
            r.cmdline(),
            ImageRecipe.DriverPolicy.BUILD,
            r.file(),
            true);
    String all = pins.staleFor(otherPackage).orElseThrow();
    assertTrue(all.contains("linux-image-cloud-amd64"), all);
    assertTrue(all.contains("userland from trixie (the lock pins [bookworm])"), all);
    assertTrue(all.contains("pvpanic: build"), all);
  }

  @Test
  void moduleBuildPinsMustFitWhatTheRecipeBuilds() {
    ImageRecipes recipes = ImageRecipes.load(java.nio.file.Path.of("images/recipes"));
    ImageLock lock = ImageLock.readOrEmpty(java.nio.file.Path.of("images/packages.lock.json"));
    // x86_64-7.3 builds only the trigger modules: headers and toolchain, no linux-source
    ImageRecipe r = recipes.get("x86_64-7.3");
    ImageLock.RecipePins pins = lock.pins(r.name()).orElseThrow();
    assertTrue(r.triggerModules());
    assertEquals(java.util.Optional.empty(), pins.staleFor(r));
    assertTrue(pins.moduleBuild().stream().noneMatch(p -> p.name().startsWith("linux-source-")));

    ImageRecipe withoutModules = with(r, r.pvpanic(), false);
    String none = pins.staleFor(withoutModules).orElseThrow();
    assertTrue(
        none.contains("pvpanic: auto, triggerModules: none (the lock pins module build packages)"),
        none);
    ImageRecipe buildsPvpanic = with(r, ImageRecipe.DriverPolicy.BUILD, true);
    String source = pins.staleFor(buildsPvpanic).orElseThrow();
    assertTrue(source.contains("(the lock pins no linux-source to build pvpanic from)"), source);

    // and an arm64 pvpanic build's pins (with linux-source) do not fit a triggers-only recipe
    ImageRecipe arm = recipes.get("aarch64-7.3");
    ImageLock.RecipePins armPins = lock.pins(arm.name()).orElseThrow();
    String extra = armPins.staleFor(with(arm, ImageRecipe.DriverPolicy.AUTO, true)).orElseThrow();
    assertTrue(extra.contains("a linux-source only a pvpanic build needs"), extra);
  }

  private static ImageRecipe with(
      ImageRecipe r, ImageRecipe.DriverPolicy pvpanic, boolean triggerModules) {
    return new ImageRecipe(
        r.name(),
        r.arch(),
        r.version(),
        r.kernel(),
        r.userlandSuite(),
        r.cmdline(),
        pvpanic,
        r.file(),
        triggerModules);
  }

  @Test
  void aLockCutShortIsNamedWithWhereAndHowToRestoreItNotAJacksonReferenceChain(@TempDir Path dir)
      throws Exception {
    Path cut = dir.resolve("packages.lock.json");
    String whole = Files.readString(Path.of("images/packages.lock.json"));
    Files.writeString(cut, whole.substring(0, 5000));
    String m =
        assertThrows(
                dev.pvpanic.harness.image.debian.LockFileException.class,
                () -> ImageLock.readOrEmpty(cut))
            .getMessage();
    assertTrue(m.contains("not a lock file the harness can read"), m);
    assertTrue(m.contains("'pvpanic images lock'"), m);
    assertFalse(m.contains("reference chain"), m);
    assertFalse(m.contains("dev.pvpanic"), m);
  }

  @Test
  void aLockOfTheWrongShapeOrEmptyNamesNoJavaClass(@TempDir Path dir) throws Exception {
    for (String text : List.of("{\"version\": 1}", "[1, 2]", "", "{\"format\": \"one\"}")) {
      Path lock = Files.writeString(dir.resolve("packages.lock.json"), text);
      String m =
          assertThrows(
                  dev.pvpanic.harness.image.debian.LockFileException.class,
                  () -> ImageLock.readOrEmpty(lock))
              .getMessage();
      assertTrue(m.contains("not a lock file the harness can read ("), m);
      assertFalse(m.contains("dev.pvpanic"), m);
      assertFalse(m.contains("java."), m);
      assertFalse(m.contains("JsonToken"), m);
    }
  }
}
