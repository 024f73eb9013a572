package dev.pvpanic.harness.machine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns a {@link MachineSpec} into QEMU's argv: a list, never a shell string.
 *
 * <p>QMP and the first serial port are socket chardevs in CLIENT mode: the harness listens on both
 * unix sockets before QEMU starts and QEMU connects while it creates its chardevs, before any vCPU
 * runs. No polling for a socket file, and no console byte is written before someone reads.
 */
public final class QemuCommandLine {
  private QemuCommandLine() {}

  /**
   * The machine the spec describes, without confinement: what decides whether two QEMUs run the
   * same guest (a snapshot's key).
   *
   * @param accel the accelerator actually used ({@link Accelerator#TCG} or {@link
   *     Accelerator#KVM}), after {@link Accelerator#AUTO} has been decided
   */
  public static List<String> argv(
      MachineSpec spec, Path qmpSocket, Path consoleSocket, Accelerator accel) {
    return argv(spec, qmpSocket, consoleSocket, accel, List.of());
  }

  /** The argv QEMU is started with: the machine, confined by {@code confinement}. */
  public static List<String> argv(
      MachineSpec spec,
      Path qmpSocket,
      Path consoleSocket,
      Accelerator accel,
      QemuConfinement confinement) {
    return argv(spec, qmpSocket, consoleSocket, accel, confinement.qemuArgs());
  }

  private static List<String> argv(
      MachineSpec spec,
      Path qmpSocket,
      Path consoleSocket,
      Accelerator accel,
      List<String> confinement) {
    if (accel == Accelerator.AUTO) {
      throw new IllegalArgumentException("decide the accelerator before building argv");
    }
    List<String> a = new ArrayList<>();
    a.addAll(spec.qemu().command());
    a.addAll(confinement);
    a.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none"));
    a.addAll(List.of("-machine", spec.effectiveMachineType()));
    a.addAll(List.of("-accel", accel.id()));
    spec.cpu()
        .or(
            () ->
                accel == Accelerator.KVM ? java.util.Optional.of("host") : spec.arch().defaultCpu())
        .ifPresent(c -> a.addAll(List.of("-cpu", c)));
    a.addAll(
        List.of("-m", Integer.toString(spec.memoryMb()), "-smp", Integer.toString(spec.cpus())));
    a.addAll(List.of("-chardev", "socket,id=qmp,path=" + qmpSocket));
    a.addAll(List.of("-mon", "chardev=qmp,mode=control"));
    a.addAll(List.of("-chardev", "socket,id=console,path=" + consoleSocket));
    a.addAll(List.of("-serial", "chardev:console"));
    // whatever a cell's own arguments do to the process, the pid file names the QEMU to end
    a.addAll(List.of("-pidfile", qmpSocket.resolveSibling(PID_FILE).toString()));
    spec.kernel().ifPresent(k -> a.addAll(List.of("-kernel", k.toString())));
    spec.initrd().ifPresent(i -> a.addAll(List.of("-initrd", i.toString())));
    spec.append().ifPresent(c -> a.addAll(List.of("-append", c)));
    // QEMU writes the guest's changes to a temporary overlay (in TMPDIR: the run folder, see
    // MachineLaunch) and never to the disk itself
    spec.disk()
        .ifPresent(
            d ->
                a.addAll(
                    List.of(
                        "-drive", "file=" + d + ",format=raw,if=virtio,snapshot=on,cache=unsafe")));
    a.addAll(spec.pvpanic().qemuArgs());
    a.addAll(spec.actions().qemuArgs());
    a.addAll(spec.extraArgs());
    // The state is handed over on QMP once QEMU runs (migrate-incoming, SavedState): an exec:cat
    // would need a spawned process, which the sandbox forbids.
    spec.incoming().ifPresent(f -> a.addAll(List.of("-incoming", "defer")));
    return List.copyOf(a);
  }

  /** The file QEMU writes its pid to, beside its sockets in its run folder. */
  static final String PID_FILE = "qemu.pid";

  /** The argv as one line a person can paste into a shell (single-quoted where needed). */
  public static String toShell(List<String> argv) {
    return argv.stream().map(QemuCommandLine::quote).collect(Collectors.joining(" "));
  }

  static String quote(String s) {
    if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=,+@%-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
