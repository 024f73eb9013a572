package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.image.qemu.DebianQemu;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.ContainerBackend;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuBuildUnavailableException;
import java.nio.file.Path;
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
 *   <li>{@code container:<image>}: the QEMU in a local container image (see {@link
 *       ContainerBackend}), e.g. {@code container:pvh-qemu:bookworm-backports}.
 * </ul>
 *
 * A build that is named right but cannot run here is not an error of the config: its version probe
 * or its backend says why and the plan skips its cells with that reason.
 */
public final class QemuBuilds {
  static final String VALID =
      "host, debian:<suite>[=<version>], prefix:/<install prefix>, container:<local image>";

  private static final Logger LOG = LoggerFactory.getLogger(QemuBuilds.class);
  private static DebianQemu debian;

  private QemuBuilds() {}

  public static QemuBuild resolve(String name, Architecture arch) {
    return resolve(name, arch, Optional.empty());
  }

  /**
   * @param base the folder a relative {@code prefix:} is taken from (a guest config's own folder);
   *     empty: a prefix must be absolute
   */
  public static QemuBuild resolve(String name, Architecture arch, Optional<Path> base) {
    return resolve(name, arch, base, (spec, a) -> defaultDebian(spec).build(spec, a));
  }

  private static synchronized DebianQemu defaultDebian(String spec) {
    if (debian == null) {
      try {
        debian = DebianQemu.fromEnvironment(LOG::info);
      } catch (HarnessException e) {
        throw new QemuBuildUnavailableException(
            DebianQemu.PREFIX + spec + ": no Debian archive to take QEMU from: " + e.getMessage(),
            e);
      }
    }
    return debian;
  }

  /**
   * @param debian makes a Debian build from what follows {@code debian:} (tests pass their own)
   */
  static QemuBuild resolve(
      String name, Architecture arch, BiFunction<String, Architecture, QemuBuild> debian) {
    return resolve(name, arch, Optional.empty(), debian);
  }

  private static QemuBuild resolve(
      String name,
      Architecture arch,
      Optional<Path> base,
      BiFunction<String, Architecture, QemuBuild> debian) {
    if (name.equals("host")) {
      return QemuBuild.host(arch);
    }
    if (name.startsWith(DebianQemu.PREFIX)) {
      return debian.apply(name.substring(DebianQemu.PREFIX.length()), arch);
    }
    if (name.startsWith("prefix:")) {
      return prefix(name, arch, base);
    }
    if (name.startsWith("container:")) {
      String image = name.substring("container:".length());
      if (image.isBlank()) {
        throw new GuestConfigException("'" + name + "' names no image; valid: " + VALID);
      }
      try {
        return new QemuBuild(
            name, arch.qemuBinary(), Map.of(), List.of(), new ContainerBackend(image));
      } catch (IllegalArgumentException e) {
        throw new GuestConfigException("QEMU build '" + name + "': " + e.getMessage());
      }
    }
    throw new GuestConfigException("unknown QEMU build '" + name + "'; valid: " + VALID);
  }

  private static QemuBuild prefix(String name, Architecture arch, Optional<Path> base) {
    Path prefix = Path.of(name.substring("prefix:".length()));
    if (!prefix.isAbsolute()) {
      if (base.isEmpty()) {
        throw new GuestConfigException(
            "QEMU build '"
                + name
                + "': the install prefix must be an absolute path (relative ones are taken from"
                + " a guest config's folder)");
      }
      prefix = base.get().resolve(prefix).toAbsolutePath().normalize();
    }
    return new QemuBuild(
        name,
        prefix.resolve("bin").resolve(arch.qemuBinary()).toString(),
        Map.of(),
        List.of("-L", prefix.resolve("share/qemu").toString()));
  }
}
