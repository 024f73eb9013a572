package dev.pvpanic.harness.machine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A running QEMU started by a {@link QemuBackend}. When its exit is known, QEMU's stdout and stderr
 * files are complete. {@link #close()} releases what the process held (a container) once it has
 * exited; it never leaves a running QEMU behind.
 */
public interface QemuProcess extends AutoCloseable {

  /** The host pid of the process (for a container: its init process, which parents QEMU). */
  long pid();

  /** How a person finds it: {@code pid 1234}, {@code container 0123abcd (pid 1234)}. */
  String describe();

  boolean isAlive();

  /** The exit code once QEMU has exited. */
  Optional<Integer> exitCode();

  /** Completes with the exit code. */
  CompletableFuture<Integer> onExit();

  /** Waits up to {@code timeout}; empty when QEMU still runs. */
  Optional<Integer> awaitExit(Duration timeout);

  /** SIGKILL. */
  void kill();

  /** Kills QEMU if it still runs and releases what it held. Idempotent. */
  @Override
  void close();
}
