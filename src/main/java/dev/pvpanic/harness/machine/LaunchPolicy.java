package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the harness starts a QEMU build on this host, from the settings of the session that resolved
 * the build: where run folders (unix sockets) go, whether a QEMU that cannot be confined is refused
 * rather than run with a warning, and the accounts QEMU may drop to when the harness runs as root.
 *
 * @param runDir the root of run folders ({@code pvh.run.dir}: keep it short)
 * @param requireConfinement refuse an unconfinable QEMU ({@code pvh.require-confinement})
 * @param qemuUsers the accounts QEMU may drop to, in order of preference ({@code pvh.qemu.user})
 */
public record LaunchPolicy(Path runDir, boolean requireConfinement, List<String> qemuUsers) {

  /** Every setting at its default: run folders in /tmp, a warning for an unconfinable QEMU. */
  public static final LaunchPolicy DEFAULTS =
      new LaunchPolicy(Path.of("/tmp"), false, List.of("pvh-qemu", "nobody"));

  public LaunchPolicy {
    Objects.requireNonNull(runDir, "runDir");
    qemuUsers = List.copyOf(qemuUsers);
  }

  public static LaunchPolicy of(Settings settings) {
    return new LaunchPolicy(settings.runDir(), settings.requireConfinement(), settings.qemuUsers());
  }
}
