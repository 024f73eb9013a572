package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A QEMU that forked away from the process the harness started and waited for (a daemonized one):
 * it would outlive its cell. The run folder's pid file ({@link QemuCommandLine#PID_FILE}) names it.
 */
final class ForkedQemu {
  private static final Logger LOG = LoggerFactory.getLogger(ForkedQemu.class);

  private ForkedQemu() {}

  /**
   * Ends the QEMU {@code pidFile} names unless it is {@code startedPid}, the process the harness
   * started. Only a live process whose command line is a qemu-system binary is killed.
   */
  static void kill(Path pidFile, long startedPid, String machine) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      if (pid == startedPid) {
        return;
      }
      ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h -> h.info().commandLine().orElse("").contains("qemu-system"))
          .ifPresent(
              h -> {
                LOG.warn("QEMU {} left pid {} running (forked away); killing it", machine, pid);
                h.destroyForcibly();
                try {
                  h.onExit().get(QemuMachine.KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                  LOG.warn("pid {} did not end within {}", pid, QemuMachine.KILL_GRACE);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    } catch (IOException | NumberFormatException e) {
      LOG.debug("pid file {} unreadable: {}", pidFile, e.toString());
    }
  }
}
