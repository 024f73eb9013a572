package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe.LocalDeb;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * Builds guest images from recipes: pins the packages (from the lock file, or resolved and written
 * to it), hashes everything that goes in, and publishes the image {@link ImageAssembly} puts
 * together in the cache under that hash. A second build of the same inputs is a cache hit, with no
 * network request at all; a damaged cached image is removed and built again.
 */
public final class ImageBuilder implements ImageProvider {
  /** Bump when the layout of a built image changes, so old cache entries are not reused. */
  // 2: trigger modules, vmcore-dmesg; 3: out-of-tree modules built reproducibly (-ffile-prefix-map)
  static final String LAYOUT = "pvh-image-3";

  private final ImageRecipes recipes;
  private final DebianArchive archive;
  private final ContentStore store;
  private final Path lockFile;
  private final Path guestDir;
  private final Consumer<String> log;
  private final Map<String, GuestImage> built = new ConcurrentHashMap<>();

  /**
   * @param guestDir the folder holding the guest's {@code init} (images/guest)
   * @param log progress lines for people
   */
  public ImageBuilder(
      ImageRecipes recipes,
      DebianArchive archive,
      ContentStore store,
      Path lockFile,
      Path guestDir,
      Consumer<String> log) {
    this.recipes = recipes;
    this.archive = archive;
    this.store = store;
    this.lockFile = lockFile;
    this.guestDir = guestDir;
    this.log = log;
  }

  /** The image for {@code recipe}, built at most once per builder (and once per input hash). */
  @Override
  public GuestImage image(String recipe) {
    ImageRecipe r = recipes.get(recipe);
    // a system image is made over the minimal image of its recipe (its kernel, its modules)
    Optional<GuestImage> base =
        r.userland() == Userland.DEBIAN ? Optional.of(image(r.name())) : Optional.empty();
    synchronized (lockFor(recipe)) {
      GuestImage known = built.get(recipe);
      if (known != null && damageOf(known).isEmpty()) {
        return known;
      }
      GuestImage image =
          base.isPresent()
              ? new SystemImage(archive, store, lockFile, guestDir, log)
                  .build(r, base.get(), pins(base.get().recipe()))
              : build(r);
      built.put(recipe, image);
      return image;
    }
  }

  private static Optional<String> damageOf(GuestImage image) {
    Path dir = image.manifest().getParent();
    return image.system().isPresent() ? SystemImage.damage(dir) : damage(dir);
  }

  /**
   * What is wrong with a published image folder, if anything: a manifest that does not parse, or a
   * kernel or initramfs whose size or SHA-256 is not what the manifest recorded (disk corruption,
   * an interrupted copy, someone's edit). Hashed once per JVM for each version of each file.
   */
  public static Optional<String> damage(Path dir) {
    Map<?, ?> manifest;
    try {
      manifest = Json.MAPPER.readValue(dir.resolve("manifest.json").toFile(), Map.class);
    } catch (IOException e) {
      return Optional.of("unreadable manifest.json: " + e.getMessage());
    }
    for (String[] f : new String[][] {{"vmlinuz", "kernel"}, {"initrd.cpio.gz", "initrd"}}) {
      Object bytes = manifest.get(f[1] + "Bytes");
      Object sha = manifest.get(f[1] + "Sha256");
      if (!(bytes instanceof Number n) || sha == null) {
        return Optional.of("manifest.json records no size and SHA-256 of " + f[0]);
      }
      Optional<String> bad =
          ContentStore.mismatch(dir.resolve(f[0]), f[0], n.longValue(), String.valueOf(sha), true);
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  // Per JVM, not per session: two sessions on one cache folder must not build one image at once.
  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

  private static Object lockFor(String recipe) {
    return LOCKS.computeIfAbsent(recipe, k -> new Object());
  }

  /** The pins of a recipe: from the lock file, or resolved now (and written to the lock). */
  RecipePins pins(ImageRecipe r) {
    synchronized (ImageBuilder.class) {
      ImageLock lock = ImageLock.readOrEmpty(lockFile);
      if (UserKernels.isSource(r.name())) {
        return userKernelPins(r, lock);
      }
      Optional<RecipePins> pinned = lock.pins(r.name());
      if (pinned.isPresent()) {
        Optional<String> stale = pinned.get().staleFor(r);
        if (stale.isPresent()) {
          throw new RecipeException(stale.get() + " (lock: " + lockFile + ")");
        }
        return pinned.get();
      }
      log.accept("resolving " + r.name() + " against the Debian mirror (not in " + lockFile + ")");
      RecipePins pins = new RecipeResolver(archive).resolve(r);
      ImageLock.readOrEmpty(lockFile).with(r.name(), pins).write(lockFile);
      return pins;
    }
  }

  /**
   * A user's kernel comes from its file, and its userland is a recipe's: the pins of a locked
   * recipe of the same architecture and userland suite (the same busybox, kexec and vmcore-dmesg
   * the recipes' images carry). Never written to the lock: a user's path is no recipe.
   */
  private RecipePins userKernelPins(ImageRecipe r, ImageLock lock) {
    String arch = r.arch().debianArch();
    Optional<RecipePins> locked =
        lock.recipes().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(Map.Entry::getValue)
            .filter(p -> !p.userland().isEmpty())
            .filter(
                p ->
                    p.userland().stream()
                        .allMatch(
                            u -> u.arch().equals(arch) && u.suite().equals(r.userlandSuite())))
            .findFirst();
    if (locked.isPresent()) {
      return new RecipePins(List.of(), locked.get().userland(), List.of());
    }
    log.accept(
        "no locked recipe has a "
            + r.userlandSuite()
            + " "
            + arch
            + " userland: resolving it against the Debian mirror");
    return new RecipeResolver(archive).resolve(r);
  }

  GuestImage build(ImageRecipe r) {
    Instant start = Instant.now();
    RecipePins pins = pins(r);
    // a build folder's modules are installed now, into the cache: their bytes are in the key
    try (UserKernelInputs inputs = UserKernelInputs.of(r, store.root(), log).orElse(null)) {
      return build(r, pins, Optional.ofNullable(inputs), start);
    }
  }

  private GuestImage build(
      ImageRecipe r, RecipePins pins, Optional<UserKernelInputs> inputs, Instant start) {
    String key = inputHash(r, pins, inputs);
    Optional<Path> published = store.derived("image-" + key);
    Optional<String> damaged = published.flatMap(ImageBuilder::damage);
    if (damaged.isPresent()) {
      log.accept(
          "image "
              + r.name()
              + " in the cache is damaged ("
              + damaged.get()
              + "): removed, building it again");
      store.invalidateDerived("image-" + key);
      published = Optional.empty();
    }
    Path dir =
        published.orElseGet(
            () -> {
              log.accept("building image " + r.name() + " (" + key.substring(0, 12) + ")");
              return store.publishDerived(
                  "image-" + key,
                  out -> new ImageAssembly(archive, guestDir, log, r, pins, inputs).writeTo(out));
            });
    try {
      Map<?, ?> manifest = Json.MAPPER.readValue(dir.resolve("manifest.json").toFile(), Map.class);
      log.accept(
          "image "
              + r.name()
              + " ready in "
              + Duration.between(start, Instant.now()).toMillis()
              + " ms: "
              + dir);
      return new GuestImage(
          r,
          dir.resolve("vmlinuz"),
          dir.resolve("initrd.cpio.gz"),
          dir.resolve("manifest.json"),
          String.valueOf(manifest.get("kernelRelease")),
          String.valueOf(manifest.get("driver")),
          key,
          PvpanicModules.imageFacts(manifest));
    } catch (IOException e) {
      throw new HarnessException("cannot read the manifest of image " + r.name() + " in " + dir, e);
    }
  }

  /** A hash of everything that goes into the image: any change makes a new one. */
  String inputHash(ImageRecipe r, RecipePins pins, Optional<UserKernelInputs> inputs) {
    try {
      Sha256.Running sum = Sha256.running().field(LAYOUT);
      // a user's kernel is named by its path; the key covers its bytes, wherever it lies
      String name = UserKernels.kind(r.name()).map(k -> "user-" + k).orElse(r.name());
      sum.field(name + "|" + r.arch() + "|" + r.pvpanic());
      for (LockedPackage p : pins.all()) {
        sum.field(p.name() + "|" + p.version() + "|" + p.sha256());
      }
      if (inputs.isPresent()) {
        inputs.get().hashInto(sum);
      } else if (r.kernel() instanceof LocalDeb d) {
        sum.field(Sha256.of(d.deb()));
      } else {
        sum.field("debian-kernel");
      }
      sum.file(guestDir.resolve("init"));
      Path oops = guestDir.resolve("oops");
      if (Files.isDirectory(oops)) {
        try (Stream<Path> files = Files.list(oops)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            sum.field("oops/" + f.getFileName()).file(f);
          }
        }
      }
      return sum.hex();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (dir != null) {
      FileUtils.deleteQuietly(dir.toFile());
    }
  }
}
