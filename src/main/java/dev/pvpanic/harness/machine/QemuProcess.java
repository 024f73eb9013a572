package dev.pvpanic.harness.machine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running QEMU started by a {@link QemuBackend}. When its exit is known, QEMU's stdout and stderr
 * files are complete. {@link #close()} releases what the process held (a container) once it has
 * exited; it never leaves a running QEMU behind.
 */
public interface QemuProcess extends AutoCloseable {

  /** The host pid of the process (for a container: its init process, which parents QEMU). */
  long pid();

  /** The host pid of QEMU itself (for a container: the QEMU its init process started). */
  default long qemuPid() {
    return pid();
  }

  /** How a person finds it: {@code pid 1234}, {@code container 0123abcd (pid 1234)}. */
  String describe();

  /** Completes with the exit code; the methods below are derived from it. */
  CompletableFuture<Integer> onExit();

  default boolean isAlive() {
    return !onExit().isDone();
  }

  /** The exit code once QEMU has exited. */
  default Optional<Integer> exitCode() {
    return Optional.ofNullable(onExit().getNow(null));
  }

  /** Waits up to {@code timeout}; empty when QEMU still runs. */
  default Optional<Integer> awaitExit(Duration timeout) {
    try {
      return Optional.of(onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MachineException("interrupted while waiting for QEMU to exit", e);
    } catch (ExecutionException e) {
      throw new MachineException("waiting for QEMU failed", e.getCause());
    }
  }

  /** SIGKILL. */
  void kill();

  /** Kills QEMU if it still runs and releases what it held. Idempotent. */
  @Override
  void close();
}
