package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What makes two QEMU builds the same for reusing a saved machine state: the version the build
 * reports ({@link QemuVersionProbe}, package string included) and the SHA-256 of the binary that
 * runs, so a rebuilt binary with an unchanged version still counts as another QEMU.
 *
 * @param binary the binary's resolved path, for people
 */
public record QemuFingerprint(String version, String binarySha256, Path binary) {
  // Per JVM: keyed by the binary's path, size and time, its hash is the same for every session.
  private static final Map<String, QemuFingerprint> CACHE = new ConcurrentHashMap<>();

  /**
   * The fingerprint of {@code build}; the binary is hashed once per JVM for each path, size and
   * modification time.
   *
   * @throws MachineException when the binary is not found or does not report a version
   */
  public static QemuFingerprint of(QemuBuild build) {
    Path binary = resolve(build.binary());
    String version =
        QemuVersionProbe.version(build)
            .map(Object::toString)
            .orElseThrow(
                () ->
                    new MachineException(
                        "QEMU build '"
                            + build.label()
                            + "' ("
                            + binary
                            + ") did not report a version with --version"));
    try {
      String cacheKey =
          binary + "|" + Files.size(binary) + "|" + Files.getLastModifiedTime(binary).toMillis();
      return CACHE.computeIfAbsent(
          cacheKey + "|" + version, k -> new QemuFingerprint(version, sha256(binary), binary));
    } catch (IOException e) {
      throw new MachineException("cannot read the QEMU binary " + binary + ": " + e, e);
    }
  }

  /** {@code binary} as is when it names a path, else the first match on PATH. */
  static Path resolve(String binary) {
    if (binary.contains("/")) {
      return existing(Path.of(binary), binary);
    }
    List<Path> path = Settings.pathFolders();
    for (Path dir : path) {
      Path candidate = dir.resolve(binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return existing(candidate, binary);
      }
    }
    throw new MachineException(
        "QEMU binary '" + binary + "' is not on PATH (" + pathText(path) + ")");
  }

  private static String pathText(List<Path> path) {
    return path.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(":"));
  }

  private static Path existing(Path p, String asGiven) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new MachineException("QEMU binary '" + asGiven + "' not found: " + e, e);
    }
  }

  private static String sha256(Path file) {
    try {
      return Sha256.of(file);
    } catch (IOException e) {
      throw new MachineException("cannot hash the QEMU binary " + file + ": " + e, e);
    }
  }
}
