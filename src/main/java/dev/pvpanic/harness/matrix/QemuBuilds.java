package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.qemu.DebianQemu;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.ContainerBackend;
import dev.pvpanic.harness.machine.ContainerEngine;
import dev.pvpanic.harness.machine.LaunchPolicy;
import dev.pvpanic.harness.machine.NoSuchQemuBuildException;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuBuildUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the {@code qemu} axis: which QEMU build a cell runs on.
 *
 * <ul>
 *   <li>{@code host}: the QEMU on PATH;
 *   <li>{@code debian:<suite>} or {@code debian:<suite>=<version>}: QEMU from Debian's packages,
 *       pinned in the lock file and extracted into the cache (see {@link DebianQemu}), e.g. {@code
 *       debian:bookworm-backports} (QEMU 10.x for bookworm);
 *   <li>{@code prefix:/path}: a user's own install ({@code <prefix>/bin/qemu-system-<arch>},
 *       firmware in {@code <prefix>/share/qemu});
 *   <li>{@code build:/path}: a QEMU developer's build tree, not installed (the meson build folder:
 *       {@code qemu-system-<arch>} at its top, firmware in {@code pc-bios/});
 *   <li>{@code container:<image>}: the QEMU in a local container image (see {@link
 *       ContainerBackend}), e.g. {@code container:pvh-qemu:bookworm-backports}.
 * </ul>
 *
 * A build that does not exist (a suite the mirror lacks, a version not in the archive, a folder
 * that is no install or build tree, an image the running engine does not have) is an error of the
 * config, refused before anything boots. A build that exists but cannot run here is not: its
 * version probe or its backend says why and the plan skips its cells with that reason.
 *
 * <p>One per session ({@code HarnessSession} owns it): the Debian builder it makes on first use and
 * the container engine it asks are the session's, not the JVM's.
 */
public final class QemuBuilds {
  /** The kinds of build a value names before its colon ({@code host} has none). */
  public static final java.util.Set<String> KINDS =
      java.util.Set.of("debian", "prefix", "build", "container");

  public static final String VALID =
      "host, debian:<suite>[=<version>], debian:<x.y>, prefix:/<install prefix>,"
          + " build:/<meson build folder>,"
          + " container:<local image>";

  private static final Logger LOG = LoggerFactory.getLogger(QemuBuilds.class);

  private final BiFunction<String, Architecture, QemuBuild> debian;
  private final ContainerEngine engine;
  private final LaunchPolicy launch;

  /**
   * @param debian makes a Debian build from what follows {@code debian:} (tests pass their own)
   * @param engine the container engine {@code container:} builds run on
   * @param launch how every build resolved here is started
   */
  QemuBuilds(
      BiFunction<String, Architecture, QemuBuild> debian,
      ContainerEngine engine,
      LaunchPolicy launch) {
    this.debian = debian;
    this.engine = engine;
    this.launch = launch;
  }

  /**
   * The builds of {@code settings}: Debian's from its mirror, cache and lock, made on first use.
   */
  public static QemuBuilds of(Settings settings) {
    DebianBuilder debian = new DebianBuilder(settings);
    return new QemuBuilds(
        debian::build,
        new ContainerEngine(
            settings.get(Setting.DOCKER_HOST),
            settings.get(Setting.CONTAINER_PREPARING).map(java.nio.file.Path::of)),
        LaunchPolicy.of(settings));
  }

  /** The container engine {@code container:} builds run on. */
  public ContainerEngine engine() {
    return engine;
  }

  public QemuBuild resolve(String name, Architecture arch) {
    return resolve(name, arch, Optional.empty());
  }

  /**
   * @param base the folder a relative {@code prefix:} is taken from (a guest config's own folder);
   *     empty: a prefix must be absolute
   */
  public QemuBuild resolve(String name, Architecture arch, Optional<Path> base) {
    return resolveBuild(name, arch, base).withLaunch(launch);
  }

  /** The session's Debian QEMU builder, made on first use (it may need the network). */
  private static final class DebianBuilder {
    private final Settings settings;
    private DebianQemu debian;

    DebianBuilder(Settings settings) {
      this.settings = settings;
    }

    QemuBuild build(String spec, Architecture arch) {
      return debian(spec).build(spec, arch);
    }

    private synchronized DebianQemu debian(String spec) {
      if (debian == null) {
        try {
          debian = DebianQemu.of(settings, LOG::info);
        } catch (HarnessException e) {
          throw new QemuBuildUnavailableException(
              DebianQemu.PREFIX + spec + ": no Debian archive to take QEMU from: " + e.getMessage(),
              e);
        }
      }
      return debian;
    }
  }

  private QemuBuild resolveBuild(String name, Architecture arch, Optional<Path> base) {
    if (name.equals("host")) {
      return QemuBuild.host(arch);
    }
    if (name.startsWith(DebianQemu.PREFIX)) {
      try {
        return debian.apply(name.substring(DebianQemu.PREFIX.length()), arch);
      } catch (NoSuchQemuBuildException e) {
        throw new GuestConfigException(
            "QEMU build '" + name + "' does not exist: " + e.getMessage());
      }
    }
    if (name.startsWith("prefix:")) {
      return prefix(name, arch, base);
    }
    if (name.startsWith("build:")) {
      return buildTree(name, arch, base);
    }
    if (name.startsWith("container:")) {
      String image = name.substring("container:".length());
      if (image.isBlank()) {
        throw new GuestConfigException("'" + name + "' names no image; valid: " + VALID);
      }
      ContainerBackend backend;
      try {
        backend = new ContainerBackend(image, engine);
      } catch (IllegalArgumentException e) {
        throw new GuestConfigException("QEMU build '" + name + "': " + e.getMessage());
      }
      return new QemuBuild(name, arch.qemuBinary(), Map.of(), List.of(), backend);
    }
    throw new GuestConfigException("unknown QEMU build '" + name + "'; valid: " + VALID);
  }

  /** The folder after {@code kind:}, absolute, or from the config's folder. */
  private static Path folder(String name, String kind, Optional<Path> base) {
    String given = name.substring(kind.length() + 1);
    if (given.isBlank()) {
      throw new GuestConfigException("'" + name + "' names no folder; valid: " + VALID);
    }
    Path folder = Path.of(given);
    if (!folder.isAbsolute()) {
      if (base.isEmpty()) {
        throw new GuestConfigException(
            "QEMU build '"
                + name
                + "': the folder must be an absolute path (relative ones are taken from"
                + " a guest config's folder)");
      }
      folder = base.get().resolve(folder).toAbsolutePath().normalize();
    }
    return folder;
  }

  /**
   * A meson build folder: {@code qemu-system-<arch>} at its top, firmware in {@code pc-bios/}. Its
   * version (e.g. 10.1.50 for a development tree) comes from the binary like any build's.
   */
  private static QemuBuild buildTree(String name, Architecture arch, Optional<Path> base) {
    Path tree = folder(name, "build", base);
    Path binary = tree.resolve(arch.qemuBinary());
    List<String> missing = new ArrayList<>();
    if (!Files.isDirectory(tree)) {
      missing.add("the folder itself");
    } else {
      if (!Files.isExecutable(binary)) {
        missing.add(arch.qemuBinary() + " at its top");
      }
      if (!Files.isDirectory(tree.resolve("pc-bios"))) {
        missing.add("a pc-bios folder");
      }
    }
    if (!missing.isEmpty()) {
      throw new GuestConfigException(
          "QEMU build '"
              + name
              + "': "
              + tree
              + " is not a QEMU build tree for "
              + arch.id()
              + " (missing: "
              + String.join(", ", missing)
              + "); valid: a meson build folder after 'make' or 'ninja' (configured with"
              + " --target-list including "
              + arch.id()
              + "-softmmu), or prefix:/<install prefix> for an installed QEMU");
    }
    return new QemuBuild(
        name, binary.toString(), Map.of(), List.of("-L", tree.resolve("pc-bios").toString()));
  }

  private static QemuBuild prefix(String name, Architecture arch, Optional<Path> base) {
    Path prefix = folder(name, "prefix", base);
    if (!Files.isExecutable(prefix.resolve("bin").resolve(arch.qemuBinary()))) {
      throw new GuestConfigException(
          "QEMU build '"
              + name
              + "': "
              + prefix
              + " is not a QEMU install prefix (no executable bin/"
              + arch.qemuBinary()
              + "); valid: the --prefix a QEMU was installed to, or build:/<meson build folder>"
              + " for a build tree");
    }
    return new QemuBuild(
        name,
        prefix.resolve("bin").resolve(arch.qemuBinary()).toString(),
        Map.of(),
        List.of("-L", prefix.resolve("share/qemu").toString()));
  }
}
