package dev.pvpanic.harness.machine;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which QEMU runs a machine: the binary, the environment it needs (e.g. {@code QEMU_MODULE_DIR} for
 * a build extracted from a Debian package), leading arguments such as {@code -L <firmware>}, and
 * the {@link QemuBackend} that runs it (a local process unless said otherwise). {@link
 * #host(Architecture)} is the one on PATH. The label names the build in reports.
 */
public record QemuBuild(
    String label, String binary, Map<String, String> env, List<String> args, QemuBackend backend) {

  public QemuBuild {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(backend, "backend");
    env = Map.copyOf(env);
    args = List.copyOf(args);
  }

  /** A build run as a local process. */
  public QemuBuild(String label, String binary, Map<String, String> env, List<String> args) {
    this(label, binary, env, args, new LocalProcessBackend());
  }

  public static QemuBuild host(Architecture arch) {
    return new QemuBuild("host", arch.qemuBinary(), Map.of(), List.of());
  }
}
