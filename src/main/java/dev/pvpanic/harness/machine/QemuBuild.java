package dev.pvpanic.harness.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which QEMU runs a machine: the binary, the environment it needs (e.g. {@code QEMU_MODULE_DIR} for
 * a build extracted from a Debian package), leading arguments such as {@code -L <firmware>}, and
 * the {@link QemuBackend} that runs it (a local process unless said otherwise), and the launcher
 * words before the binary (a build with its own library closure runs through its own dynamic
 * loader: {@code ld-linux-x86-64.so.2 --library-path <closure> qemu-system-x86_64 ...}). {@link
 * #host(Architecture)} is the one on PATH. The label names the build in reports. Its {@link
 * LaunchPolicy} is how the session that resolved it starts it here (the defaults unless {@link
 * #withLaunch} says otherwise).
 */
public record QemuBuild(
    String label,
    String binary,
    Map<String, String> env,
    List<String> args,
    QemuBackend backend,
    List<String> launcher,
    LaunchPolicy launch) {

  public QemuBuild {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(launch, "launch");
    env = Map.copyOf(env);
    args = List.copyOf(args);
    launcher = List.copyOf(launcher);
  }

  /** A build with the default {@link LaunchPolicy}. */
  public QemuBuild(
      String label,
      String binary,
      Map<String, String> env,
      List<String> args,
      QemuBackend backend,
      List<String> launcher) {
    this(label, binary, env, args, backend, launcher, LaunchPolicy.DEFAULTS);
  }

  /** This build, started as {@code policy} says. */
  public QemuBuild withLaunch(LaunchPolicy policy) {
    return new QemuBuild(label, binary, env, args, backend, launcher, policy);
  }

  /** A build run by {@code backend} with no launcher. */
  public QemuBuild(
      String label,
      String binary,
      Map<String, String> env,
      List<String> args,
      QemuBackend backend) {
    this(label, binary, env, args, backend, List.of());
  }

  /** The words that start it: launcher, binary, leading arguments. */
  public List<String> command() {
    List<String> c = new ArrayList<>(launcher);
    c.add(binary);
    c.addAll(args);
    return c;
  }

  /** A build run as a local process. */
  public QemuBuild(String label, String binary, Map<String, String> env, List<String> args) {
    this(label, binary, env, args, new LocalProcessBackend());
  }

  public static QemuBuild host(Architecture arch) {
    return new QemuBuild("host", arch.qemuBinary(), Map.of(), List.of());
  }
}
