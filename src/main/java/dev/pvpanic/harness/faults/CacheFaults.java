package dev.pvpanic.harness.faults;

import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.cell.CellMachine;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.ArchiveKeyring;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.DebianMirrors;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.ProgressSink;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.snapshot.SnapshotKey;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import org.apache.commons.io.FileUtils;

/**
 * The fault campaign's faults on the cache at rest, struck before a cell runs: its snapshot's
 * stream with a byte flipped or cut in half, its image's initramfs cut in half (what a disk error,
 * a full disk or an interrupted copy leaves), and a package download cut short by the mirror. The
 * harness must find each by its recorded size and hash and repair it (boot cold and make the
 * snapshot again, build the image again, fetch the package again): the cell then passes.
 */
final class CacheFaults {
  private CacheFaults() {}

  /** The published snapshot folder the cell would restore, if there is one. */
  static Optional<Path> snapshotOf(HarnessSession session, PlannedCell p) {
    GuestImage image = session.images().image(p.recipe().imageName());
    SnapshotKey key =
        CellMachine.snapshotKey(p.cell(), image, p.qemu(), session.cellOptions().accelerator());
    return session.snapshots().folder(key);
  }

  /** Flips one byte in the middle of the snapshot's stream (its size stays). */
  static String corruptSnapshot(Path folder) {
    Path state = folder.resolve(SnapshotStore.STATE);
    try (RandomAccessFile f = new RandomAccessFile(state.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5a);
      return "flipped byte " + at + " of " + state;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot damage " + state, e);
    }
  }

  /** Cuts a file to half its size. */
  static String truncate(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long half = f.length() / 2;
      f.setLength(half);
      return "cut " + file + " to " + half + " bytes";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot damage " + file, e);
    }
  }

  /**
   * Builds the cell's image again in a private cache that lacks one of its packages (the smallest
   * userland one, so the fault costs seconds), through a mirror that cuts the first download of
   * that package in half: the cut must be caught (the size and SHA-256 it was pinned with) and the
   * package fetched again whole, and the image must be built from it.
   *
   * @return what happened, for the record; throws when the package or the image is not right
   */
  static String truncatedDownload(HarnessSession session, PlannedCell p, Path work) {
    Settings settings = session.settings();
    String recipe = p.recipe().name();
    GuestImage reference = session.images().image(recipe);
    ImageLock.RecipePins pins =
        ImageLock.readOrEmpty(settings.lockFile()).pins(recipe).orElseThrow();
    LockedPackage victim =
        pins.userland().stream().min(Comparator.comparingLong(LockedPackage::size)).orElseThrow();
    ContentStore shared = ContentStore.at(settings);
    Path cache = work.resolve("cache");
    ContentStore own = new ContentStore(cache);
    DebianMirrors real =
        DebianMirrors.resolve(
            settings.get(Setting.DEBIAN_MIRROR), settings.environment(), Path.of("/etc/apt"));
    try (TruncatingMirror mirror = TruncatingMirror.start(real, victim.filename())) {
      for (LockedPackage pkg : pins.all()) {
        if (pkg.equals(victim)) {
          continue;
        }
        try (InputStream in = Files.newInputStream(shared.get(pkg.sha256()).orElseThrow())) {
          own.put(pkg.sha256(), in);
        }
      }
      DebianArchive archive =
          new DebianArchive(
              mirror.mirrors(),
              ArchiveKeyring.standard(settings.home().resolve(ArchiveKeyring.PROJECT_KEYS)),
              own,
              DebianArchive.defaultHttpClient(),
              ProgressSink.silent(),
              DebianArchive.Timeouts.DEFAULT,
              true);
      GuestImage rebuilt =
          new ImageBuilder(
                  ImageRecipes.load(settings.recipes()),
                  archive,
                  own,
                  settings.lockFile(),
                  settings.guestDir(),
                  line -> {})
              .image(recipe);
      if (mirror.cut() == 0) {
        throw new IllegalStateException("the mirror never cut " + victim.filename());
      }
      if (own.get(victim.sha256()).isEmpty()) {
        throw new IllegalStateException(
            victim.filename() + " is not in the cache whole after the image was built");
      }
      if (!Sha256.of(reference.kernel()).equals(Sha256.of(rebuilt.kernel()))) {
        throw new IllegalStateException("the image built after a cut download has another kernel");
      }
      if (!Sha256.of(reference.initrd()).equals(Sha256.of(rebuilt.initrd()))) {
        // the same pins build the same bytes, out-of-tree modules included
        throw new IllegalStateException(
            "the image built after a cut download has another initramfs than the cached one");
      }
      return "cut "
          + victim.name()
          + " after "
          + mirror.cutAfter()
          + " of "
          + victim.size()
          + " bytes; fetched "
          + mirror.requests()
          + " times, whole; image built byte for byte the same";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      FileUtils.deleteQuietly(cache.toFile());
    }
  }
}
