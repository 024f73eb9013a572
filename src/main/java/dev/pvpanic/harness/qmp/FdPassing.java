package dev.pvpanic.harness.qmp;

import java.io.FileDescriptor;
import java.io.IOException;

/**
 * How a QMP connection sends an open file descriptor with a command: on a unix socket, as {@code
 * SCM_RIGHTS} ancillary data of the command's bytes. QEMU keeps the descriptor it received with
 * {@code getfd} or {@code add-fd}; a confined QEMU then writes or reads a file it could neither
 * open as its own user nor reach through a spawned helper.
 */
@FunctionalInterface
public interface FdPassing {

  /** A connection that cannot pass descriptors (not a unix socket). */
  FdPassing NONE =
      fd -> {
        throw new IOException("this QMP connection cannot pass file descriptors");
      };

  /** Attaches {@code fd} to the next bytes written to the connection. */
  void attachToNextWrite(FileDescriptor fd) throws IOException;
}
