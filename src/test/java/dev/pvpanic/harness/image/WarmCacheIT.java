package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.ArchiveKeyring;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.DebianMirrors;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.ProgressSink;
import dev.pvpanic.harness.junit.TestSettings;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A warm cache builds an image with no network request at all: the mirror is pointed at an address
 * where nothing listens, so any request would fail the build.
 */
class WarmCacheIT {
  private static final String RECIPE = "x86_64-6.12";
  private static final URI UNREACHABLE = URI.create("http://127.0.0.1:9/debian/");

  @TempDir Path cache;

  @Test
  @Execution(ExecutionMode.CONCURRENT) // each test has its own cache folder
  void aWarmCacheBuildsWithTheMirrorUnreachable() throws Exception {
    // Warm the shared cache the normal way (a no-op when earlier tests did).
    ImageBuilder normal = ImageEnvironment.builder(TestSettings.jvm(), Optional.empty(), s -> {});
    GuestImage reference = normal.image(RECIPE);

    // A private cache holding only the pinned .debs: the image itself must be rebuilt from them.
    ImageBuilder builder = offline(RECIPE, s -> {});

    GuestImage rebuilt = builder.image(RECIPE);

    assertTrue(
        rebuilt.initrd().startsWith(cache), "built in the private cache: " + rebuilt.initrd());
    assertEquals(reference.id(), rebuilt.id(), "same inputs, same image key");
    assertEquals(reference.kernelRelease(), rebuilt.kernelRelease());
    assertEquals(
        Sha256.of(reference.initrd()),
        Sha256.of(rebuilt.initrd()),
        "the initramfs is reproducible byte for byte");

    // The control: a recipe whose packages are not in the private cache cannot be built, so the
    // mirror really is unreachable and nothing fell back to another source.
    RuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class, () -> builder.image("x86_64-6.1"));
    assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1:9"), e.getMessage());
  }

  /**
   * A damaged image in the cache (its initramfs cut short, as an interrupted copy or a full disk
   * leaves it) is found before a guest boots from it and built again; a damaged .deb under it is
   * found by its hash and fetched again (here: from nowhere, so the build names the mirror).
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aDamagedImageIsBuiltAgainAndADamagedPackageFetchedAgain() throws Exception {
    GuestImage reference =
        ImageEnvironment.builder(TestSettings.jvm(), Optional.empty(), s -> {}).image(RECIPE);
    RecipePins pins =
        ImageLock.readOrEmpty(TestSettings.jvm().lockFile()).pins(RECIPE).orElseThrow();
    java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    ImageBuilder builder = offline(RECIPE, log::add);
    GuestImage first = builder.image(RECIPE);
    assertEquals(first, builder.image(RECIPE), "an intact image is the same image");

    // cut the initramfs short, as a copy interrupted half-way leaves it
    long size = Files.size(first.initrd());
    try (java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(
            first.initrd(), java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size / 2);
    }
    GuestImage again = builder.image(RECIPE);
    assertEquals(size, Files.size(again.initrd()), "built again whole");
    assertEquals(Sha256.of(reference.initrd()), Sha256.of(again.initrd()));
    assertTrue(
        log.stream().anyMatch(l -> l.contains("damaged") && l.contains("initrd.cpio.gz has")),
        "the log says what was damaged: " + log);

    // a byte of the kernel package flipped in the cache, and the image gone: the rebuild must not
    // use the bad .deb; with the mirror unreachable it can only fail, naming the mirror
    LockedPackage kernel =
        pins.kernel().stream().max(java.util.Comparator.comparingLong(LockedPackage::size)).get();
    Path blob = cache.resolve("blobs/sha256/" + kernel.sha256());
    blob.toFile().setWritable(true);
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    Files.writeString(again.manifest().getParent().resolve("manifest.json"), "{");
    RuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class, () -> builder.image(RECIPE));
    assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1:9"), e.getMessage());
    assertTrue(Files.notExists(blob), "the damaged .deb is gone from the cache");
  }

  /**
   * The out-of-tree driver of a kernel from a newer Debian than the host builds offline too: its
   * headers, source, cross toolchain and the toolchain's C library all come from the lock's pins.
   * The rebuilt image is byte for byte the cached one, its out-of-tree modules included (the random
   * build folder is mapped away with -ffile-prefix-map).
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aWarmCacheBuildsANewerSuitesDriverWithItsPinnedToolchainOffline() throws Exception {
    String recipe = "aarch64-7.3";
    GuestImage reference =
        ImageEnvironment.builder(TestSettings.jvm(), Optional.empty(), s -> {}).image(recipe);
    RecipePins pins =
        ImageLock.readOrEmpty(TestSettings.jvm().lockFile()).pins(recipe).orElseThrow();
    assertTrue(
        pins.moduleBuild().stream().anyMatch(p -> p.name().startsWith("gcc-")),
        "the lock pins the kernel suite's compiler: " + pins.moduleBuild());
    ImageBuilder builder = offline(recipe, s -> {});

    GuestImage rebuilt = builder.image(recipe);

    assertTrue(
        rebuilt.initrd().startsWith(cache), "built in the private cache: " + rebuilt.initrd());
    assertEquals(reference.id(), rebuilt.id(), "same inputs, same image key");
    assertEquals("out-of-tree", rebuilt.driver());
    assertEquals(reference.facts(), rebuilt.facts(), "the manifest declares the same drivers");
    assertEquals(
        Sha256.of(reference.initrd()),
        Sha256.of(rebuilt.initrd()),
        "the same pins build the same initramfs, modules and all");
  }

  /**
   * A builder on a private cache holding only {@code recipe}'s pinned .debs (copied from the shared
   * cache), with the mirror unreachable: any request would fail.
   */
  private ImageBuilder offline(String recipe, java.util.function.Consumer<String> log)
      throws java.io.IOException {
    ContentStore shared = ContentStore.at(TestSettings.jvm());
    ContentStore warm = new ContentStore(cache);
    RecipePins pins =
        ImageLock.readOrEmpty(TestSettings.jvm().lockFile()).pins(recipe).orElseThrow();
    for (LockedPackage p : pins.all()) {
      try (InputStream in = Files.newInputStream(shared.get(p.sha256()).orElseThrow())) {
        warm.put(p.sha256(), in);
      }
    }
    DebianArchive archive =
        new DebianArchive(
            DebianMirrors.of(UNREACHABLE),
            ArchiveKeyring.standard(ArchiveKeyring.PROJECT_KEYS),
            warm,
            DebianArchive.defaultHttpClient(),
            ProgressSink.silent());
    return new ImageBuilder(
        ImageRecipes.load(TestSettings.jvm().recipes()),
        archive,
        warm,
        TestSettings.jvm().lockFile(),
        Path.of("images/guest"),
        log);
  }
}
