package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.image.initramfs.KernelModules;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kernel in an extracted tree of kernel packages: its image, release, config and modules. Up to
 * 6.x Debian ships {@code boot/vmlinuz-<release>} and {@code boot/config-<release>}; from 7.x
 * everything lives under {@code usr/lib/modules/<release>/} ({@code vmlinuz}, {@code config}).
 */
record KernelFiles(Path root, Path image, String release, Optional<Path> config) {

  static KernelFiles find(Path root) {
    try {
      Path boot = root.resolve("boot");
      if (Files.isDirectory(boot)) {
        try (Stream<Path> s = Files.list(boot)) {
          List<Path> images =
              s.filter(p -> p.getFileName().toString().matches("vmlinu[xz]-.+")).sorted().toList();
          if (!images.isEmpty()) {
            Path image = images.get(0);
            String release = image.getFileName().toString().replaceFirst("^vmlinu[xz]-", "");
            Path config = boot.resolve("config-" + release);
            return new KernelFiles(
                root,
                image,
                release,
                Files.exists(config) ? Optional.of(config) : Optional.empty());
          }
        }
      }
      for (String tree : List.of("usr/lib/modules", "lib/modules")) {
        Path dir = root.resolve(tree);
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> s = Files.list(dir)) {
          for (Path rel : s.sorted().toList()) {
            Path image = rel.resolve("vmlinuz");
            if (Files.isRegularFile(image)) {
              Path config = rel.resolve("config");
              return new KernelFiles(
                  root,
                  image,
                  rel.getFileName().toString(),
                  Files.exists(config) ? Optional.of(config) : Optional.empty());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new HarnessException(
        "no kernel image in the kernel packages (looked for boot/vmlinuz-* and"
            + " usr/lib/modules/*/vmlinuz under "
            + root
            + ")");
  }

  /** A config symbol's value ({@code y}, {@code m}), empty when not set or no config shipped. */
  Optional<String> config(String symbol) {
    if (config.isEmpty()) {
      return Optional.empty();
    }
    try (Stream<String> lines = Files.lines(config.get())) {
      String prefix = symbol + "=";
      return lines
          .filter(l -> l.startsWith(prefix))
          .map(l -> l.substring(prefix.length()))
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kernel's config, parsed; empty when none shipped. */
  Optional<KernelConfig> parsedConfig() {
    if (config.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(KernelConfig.parse(Files.readString(config.get())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The modules tree of this release, when the packages ship one. */
  Optional<KernelModules> modules() {
    for (String tree : List.of("lib/modules", "usr/lib/modules")) {
      if (Files.isDirectory(root.resolve(tree).resolve(release))) {
        return Optional.of(KernelModules.in(root, release));
      }
    }
    return Optional.empty();
  }
}
