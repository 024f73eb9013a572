package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.qmp.QemuVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.FileUtils;

/**
 * Reads a QEMU build's version from {@code --version} without starting a guest, so the matrix can
 * leave out cells that build cannot run before anything boots. The QMP greeting of each machine
 * gives the authoritative version later.
 */
public final class QemuVersionProbe {
  private static final Pattern VERSION =
      Pattern.compile("QEMU emulator version (\\d+)\\.(\\d+)(?:\\.(\\d+))?\\s*(?:\\((.*)\\))?");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  // Per JVM, not per session: what a binary answers to --version is the same for every session.
  private static final Map<QemuBuild, Optional<QemuVersion>> CACHE = new ConcurrentHashMap<>();

  private QemuVersionProbe() {}

  /** The version, or empty when the binary is missing or does not say. */
  public static Optional<QemuVersion> version(QemuBuild build) {
    return CACHE.computeIfAbsent(build, QemuVersionProbe::run);
  }

  static Optional<QemuVersion> parse(String output) {
    Matcher m = VERSION.matcher(output);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new QemuVersion(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
            m.group(4)));
  }

  private static Optional<QemuVersion> run(QemuBuild build) {
    List<String> argv = new ArrayList<>();
    argv.addAll(build.command());
    argv.add("--version");
    Path dir = null;
    try {
      dir = Files.createTempDirectory("pvh-version-");
      Path out = dir.resolve("stdout");
      Path err = dir.resolve("stderr");
      // Through the build's backend: a container build answers from inside its image.
      try (QemuProcess p =
          build
              .backend()
              .start(
                  new QemuInvocation(
                      "version-probe", argv, build.env(), dir, List.of(), false, out, err))) {
        if (p.awaitExit(TIMEOUT).isEmpty()) {
          return Optional.empty();
        }
      }
      return parse(Files.readString(out) + "\n" + Files.readString(err));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } finally {
      if (dir != null) {
        FileUtils.deleteQuietly(dir.toFile());
      }
    }
  }
}
