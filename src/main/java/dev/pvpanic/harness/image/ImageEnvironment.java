package dev.pvpanic.harness.image;

import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.ArchiveKeyring;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.DebianMirrors;
import dev.pvpanic.harness.image.debian.TerminalProgressSink;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Wires the image builder from the environment: the mirror (option, {@code PVH_DEBIAN_MIRROR}, or
 * the host's apt sources), the cache ({@code PVH_CACHE_DIR} or the XDG cache), the lock file and
 * the recipes of this checkout.
 */
public final class ImageEnvironment {
  private ImageEnvironment() {}

  /**
   * The image builder of {@code settings}: its recipes, lock file, cache and guest init.
   *
   * @param mirrorOption a mirror URI given on the command line, if any
   */
  public static ImageBuilder builder(
      Settings settings, Optional<String> mirrorOption, Consumer<String> log) {
    ContentStore store = ContentStore.at(settings);
    return new ImageBuilder(
        ImageRecipes.load(settings.recipes()),
        archive(settings, mirrorOption, store),
        store,
        settings.lockFile(),
        settings.guestDir(),
        log);
  }

  /**
   * The Debian archive client: the mirror from {@code mirrorOption}, {@code -Dpvh.debian.mirror},
   * {@code PVH_DEBIAN_MIRROR} or the host's apt sources; Debian's keys plus images/keys; {@code
   * store} as its cache; download progress in the log.
   */
  public static DebianArchive archive(
      Settings settings, Optional<String> mirrorOption, ContentStore store) {
    Optional<String> option = mirrorOption.or(() -> settings.get(Setting.DEBIAN_MIRROR));
    DebianMirrors mirrors =
        DebianMirrors.resolve(option, settings.environment(), Path.of("/etc/apt"));
    return new DebianArchive(
        mirrors,
        ArchiveKeyring.standard(settings.home().resolve(ArchiveKeyring.PROJECT_KEYS)),
        store,
        DebianArchive.defaultHttpClient(),
        TerminalProgressSink.logged(),
        DebianArchive.Timeouts.DEFAULT,
        settings.get(Setting.DEBIAN_ALLOW_STALE).map(Boolean::parseBoolean).orElse(false));
  }
}
