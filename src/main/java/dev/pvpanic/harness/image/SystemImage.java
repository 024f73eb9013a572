package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.DependencyClosure;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The debian userland's image: a Debian system on an ext4 disk (systemd, udev, kdump-tools,
 * makedumpfile; every package pinned in the lock's {@code systems} section), the recipe's kernel
 * with its whole modules tree installed in it (depmod'ed, so udev's coldplug loads drivers by
 * modalias), and a first-stage initramfs (the guest's {@code init}, busybox, vmcore-dmesg and the
 * storage modules) that mounts the disk and hands over to systemd. kdump-tools finds the same
 * kernel and initramfs where its kernel hooks would have put them, so it loads the capture kernel
 * the way it does on any Debian system.
 *
 * <p>Built with mmdebstrap from a local repository of exactly the pinned packages (fetched and
 * checked against the lock like every other package), published in the cache under the hash of its
 * inputs; {@link SystemImageBuild} puts it together.
 */
public final class SystemImage {
  /** Bump when the layout of a system image changes. */
  static final String LAYOUT = "pvh-system-4"; // 4: virtio_pci in the first stage

  static final String DISK = "root.img";

  private final DebianArchive archive;
  private final ContentStore store;
  private final Path lockFile;
  private final Path guestDir;
  private final Consumer<String> log;

  SystemImage(
      DebianArchive archive,
      ContentStore store,
      Path lockFile,
      Path guestDir,
      Consumer<String> log) {
    this.archive = archive;
    this.store = store;
    this.lockFile = lockFile;
    this.guestDir = guestDir;
    this.log = log;
  }

  /** The key of the system packages' pins in the lock, e.g. {@code debian-bookworm-amd64}. */
  static String lockKey(ImageRecipe r) {
    return "debian-" + Userland.DEBIAN_SUITE + "-" + r.arch().debianArch();
  }

  /** The system image of {@code system} (a recipe on the debian userland) over its minimal one. */
  GuestImage build(ImageRecipe system, GuestImage base, RecipePins basePins) {
    if (!(system.kernel() instanceof ImageRecipe.DebianKernel)
        && !(system.kernel() instanceof ImageRecipe.LocalDeb)) {
      throw new RecipeException(
          system.name()
              + ": the debian userland installs the kernel's modules from its package; give a"
              + " kernel package (a recipe's, or deb:<file>), not a build folder or bare files");
    }
    List<LockedPackage> pins = pins(system);
    String key = inputHash(system, base, pins);
    String name = "system-" + key;
    Optional<Path> published = store.derived(name);
    Optional<String> damaged = published.flatMap(SystemImage::damage);
    if (damaged.isPresent()) {
      log.accept(
          "system image "
              + system.name()
              + " in the cache is damaged ("
              + damaged.get()
              + "): removed, building it again");
      store.invalidateDerived(name);
      published = Optional.empty();
    }
    Path dir =
        published.orElseGet(
            () -> {
              log.accept(
                  "building system image "
                      + system.name()
                      + " ("
                      + key.substring(0, 12)
                      + "): Debian "
                      + Userland.DEBIAN_SUITE
                      + ", "
                      + pins.size()
                      + " packages");
              return store.publishDerived(
                  name,
                  out ->
                      new SystemImageBuild(archive, guestDir, log, system, base, basePins, pins)
                          .writeTo(out, store.scratch("system-build")));
            });
    Map<?, ?> manifest = readManifest(dir);
    SystemFacts facts = SystemFacts.fromManifest((Map<?, ?>) manifest.get("system"));
    return new GuestImage(
        system.withCmdline(cmdline(system.cmdline(), facts)),
        dir.resolve("vmlinuz"),
        dir.resolve("initrd.cpio.gz"),
        dir.resolve("manifest.json"),
        base.kernelRelease(),
        base.driver(),
        key,
        base.facts().withServices(facts.services()),
        Optional.of(new GuestImage.SystemDisk(dir.resolve(DISK), facts)));
  }

  /**
   * The system's kernel command line: the recipe's, with kdump-tools' own crashkernel instead of
   * the recipe's (as its GRUB snippet sets it), and the root file system on the disk, read-only
   * until systemd remounts it (as Debian's GRUB boots it).
   */
  static String cmdline(String recipe, SystemFacts facts) {
    return dev.pvpanic.harness.matrix.KernelCommandLine.withoutCrashkernel(recipe)
        + (facts.crashkernel().isEmpty() ? "" : " crashkernel=" + facts.crashkernel())
        + " root=/dev/vda ro";
  }

  /**
   * What is wrong with a published system image, if anything: {@link ImageBuilder#damage} of its
   * kernel and initramfs, and its disk's size and SHA-256 against the manifest.
   */
  static Optional<String> damage(Path dir) {
    Optional<String> bad = ImageBuilder.damage(dir);
    if (bad.isPresent()) {
      return bad;
    }
    Map<?, ?> manifest = readManifest(dir);
    Object bytes = manifest.get("diskBytes");
    Object sha = manifest.get("diskSha256");
    if (!(bytes instanceof Number n) || sha == null) {
      return Optional.of("manifest.json records no size and SHA-256 of " + DISK);
    }
    return ContentStore.mismatch(dir.resolve(DISK), DISK, n.longValue(), String.valueOf(sha), true);
  }

  private static Map<?, ?> readManifest(Path dir) {
    try {
      return Json.MAPPER.readValue(dir.resolve("manifest.json").toFile(), Map.class);
    } catch (IOException e) {
      throw new HarnessException("cannot read the manifest of the system image in " + dir, e);
    }
  }

  /**
   * The system's packages: from the lock, or resolved now and written to it. Resolving lets apt
   * (through mmdebstrap, natively) choose Debian's minbase and the packages of
   * images/guest/system/packages with their dependencies, then pins those names in the
   * architecture's own index, with what they need there.
   */
  List<LockedPackage> pins(ImageRecipe r) {
    synchronized (ImageBuilder.class) {
      String key = lockKey(r);
      Optional<List<LockedPackage>> locked = ImageLock.readOrEmpty(lockFile).systemPins(key);
      if (locked.isPresent()) {
        return locked.get();
      }
      log.accept("resolving the debian userland (" + key + ") against the Debian mirror");
      List<String> installed =
          SystemImageBuild.resolveNatively(archive, guestDir, store.scratch("system-resolve"), log);
      PackagesIndex index = archive.packages(Userland.DEBIAN_SUITE, r.arch().debianArch());
      // the same names on this architecture, closed under its own Depends: another architecture
      // needs packages the host's does not (arm64's libxenmisc needs libfdt1)
      List<LockedPackage> pins =
          new DependencyClosure(List.of(index)).resolve(installed, Optional.empty(), name -> true);
      ImageLock.readOrEmpty(lockFile).withSystem(key, pins).write(lockFile);
      return pins;
    }
  }

  private String inputHash(ImageRecipe r, GuestImage base, List<LockedPackage> pins) {
    try {
      Sha256.Running sum =
          Sha256.running().field(LAYOUT).field(base.id()).field(r.pvpanic().name());
      for (LockedPackage p : pins) {
        sum.field(p.name() + "|" + p.version() + "|" + p.sha256());
      }
      sum.file(guestDir.resolve("init"));
      for (String f : SystemImageBuild.SYSTEM_FILES) {
        sum.field(f).file(guestDir.resolve("system").resolve(f));
      }
      return sum.hex();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A manifest map, for the build. */
  static Map<String, Object> manifest(Path baseManifest) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    Json.MAPPER.readValue(baseManifest.toFile(), Map.class).forEach((k, v) -> m.put((String) k, v));
    return m;
  }

  static final Duration MMDEBSTRAP_TIMEOUT = Duration.ofMinutes(30);
}
