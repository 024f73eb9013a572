package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a QEMU process runs: on this host ({@link LocalProcessBackend}) or inside a container
 * ({@link ContainerBackend}). A backend turns an argv, a run folder and an environment into a
 * running {@link QemuProcess}; everything above it (QMP, console, the oracle) is the same for all.
 *
 * <p>Implementations are values (records): two builds with equal backends run QEMU the same way.
 */
public interface QemuBackend {

  /**
   * Starts QEMU and returns once it runs (not once it is ready: the caller waits for QEMU to
   * connect its sockets). {@code invocation.runFolder()} and the files it names must be reachable
   * by QEMU at the same paths.
   *
   * @throws IOException when the process or container cannot even be started
   */
  QemuProcess start(QemuInvocation invocation) throws IOException;

  /**
   * Why QEMU cannot run through this backend here (no container engine, image missing), so cells
   * are skipped with that reason instead of failing one by one. Empty when it can.
   */
  Optional<String> unavailableReason();

  /** A short description for reports: {@code local process}, {@code container pvh-qemu:...}. */
  String describe();
}
