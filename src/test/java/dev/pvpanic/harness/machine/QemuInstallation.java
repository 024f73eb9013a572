package dev.pvpanic.harness.machine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a QEMU binary can be found, for test assumptions. */
final class QemuInstallation {
  private QemuInstallation() {}

  static boolean onPath(String binary) {
    if (binary.contains("/")) {
      return Files.isExecutable(Path.of(binary));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }
}
