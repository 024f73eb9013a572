package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.qmp.QemuVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a QEMU build's version from {@code --version} without starting a guest, so the matrix can
 * leave out cells that build cannot run before anything boots. The QMP greeting of each machine
 * gives the authoritative version later.
 */
public final class QemuVersionProbe {
  private static final Pattern VERSION =
      Pattern.compile("QEMU emulator version (\\d+)\\.(\\d+)(?:\\.(\\d+))?\\s*(?:\\((.*)\\))?");
  private static final Map<String, Optional<QemuVersion>> CACHE = new ConcurrentHashMap<>();

  private QemuVersionProbe() {}

  /** The version, or empty when the binary is missing or does not say. */
  public static Optional<QemuVersion> version(QemuBuild build) {
    return CACHE.computeIfAbsent(build.binary() + build.env(), k -> run(build));
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
    argv.add(build.binary());
    argv.addAll(build.args());
    argv.add("--version");
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
      pb.environment().putAll(build.env());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return parse(out);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
