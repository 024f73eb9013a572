package dev.pvpanic.harness.machine;

import java.util.List;
import java.util.Map;

/**
 * Which QEMU runs a machine: the binary, the environment it needs (e.g. {@code QEMU_MODULE_DIR} for
 * a build extracted from a Debian package) and leading arguments such as {@code -L <firmware>}.
 * {@link #host(Architecture)} is the one on PATH.
 */
public record QemuBuild(String label, String binary, Map<String, String> env, List<String> args) {

  public QemuBuild {
    env = Map.copyOf(env);
    args = List.copyOf(args);
  }

  public static QemuBuild host(Architecture arch) {
    return new QemuBuild("host", arch.qemuBinary(), Map.of(), List.of());
  }
}
