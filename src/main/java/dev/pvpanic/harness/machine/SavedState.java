package dev.pvpanic.harness.machine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.qmp.QmpClient;
import dev.pvpanic.harness.qmp.QmpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A machine's whole state in a file: saved with QEMU's migration into a file, and loaded by a new
 * QEMU started with {@link MachineSpec#incoming()}.
 */
final class SavedState {
  private static final Duration MIGRATION_POLL = Duration.ofMillis(50);

  /**
   * Bandwidth for saving state: QEMU's default cap (32 MiB/s) would make a 130 MB save of a 1 GiB
   * guest take four seconds; writing into a local file needs no cap.
   */
  private static final long SAVE_BANDWIDTH_BYTES_PER_SECOND = 64L << 30;

  private SavedState() {}

  /**
   * Saves the whole machine (device state and RAM) into {@code file} with QEMU's migration: stops
   * the guest first, so one pass writes a consistent state and nothing is dirtied meanwhile, then
   * migrates to {@code exec:cat > file} (see {@link #saveCommand}) and polls {@code query-migrate}
   * until it completes and the file is whole. The machine stays stopped (status {@code
   * postmigrate}); start a new QEMU with {@link MachineSpec#incoming()} to go on from the saved
   * state.
   *
   * @throws MachineException when the migration fails (with QEMU's reason), QEMU exits, or it does
   *     not complete within {@code timeout}
   */
  static void save(QemuMachine m, Path file, Duration timeout) {
    QmpClient qmp = m.qmp();
    String name = m.spec().name();
    Instant deadline = Instant.now().plus(timeout);
    try {
      qmp.execute("stop");
      qmp.execute(
          "migrate-set-parameters", Map.of("max-bandwidth", SAVE_BANDWIDTH_BYTES_PER_SECOND));
      qmp.execute("migrate", Map.of("uri", "exec:" + saveCommand(file)));
      while (true) {
        JsonNode info = qmp.execute("query-migrate");
        String status = info.path("status").asText("none");
        switch (status) {
          case "completed" -> {
            awaitFile(m, file, deadline, timeout);
            return;
          }
          case "failed", "cancelled" ->
              throw new MachineException(
                  "saving the state of "
                      + name
                      + " into "
                      + file
                      + " "
                      + status
                      + ": "
                      + info.path("error-desc").asText("QEMU gave no reason")
                      + "\nQEMU stderr:\n"
                      + m.stderrTail(20));
          default -> {
            if (Instant.now().isAfter(deadline)) {
              throw new MachineException(
                  "saving the state of "
                      + name
                      + " into "
                      + file
                      + " did not complete within "
                      + DurationText.of(timeout)
                      + " (last status "
                      + status
                      + ")");
            }
            pause(MIGRATION_POLL);
          }
        }
      }
    } catch (QmpException e) {
      throw new MachineException(
          "saving the state of "
              + name
              + " into "
              + file
              + " failed: "
              + e.getMessage()
              + (m.isAlive() ? "" : "\nQEMU exited; stderr:\n" + m.stderrTail(20)),
          e);
    }
  }

  /**
   * The shell command QEMU pipes the migration stream into. QEMU reports {@code completed} before
   * it closes the pipe and reaps the command, so {@code cat} may still be writing when the status
   * says done: it writes a part file and renames it when it has all, and the harness waits for the
   * final name.
   */
  static String saveCommand(Path file) {
    String part = file + ".part";
    return "cat > "
        + QemuCommandLine.quote(part)
        + " && mv "
        + QemuCommandLine.quote(part)
        + " "
        + QemuCommandLine.quote(file.toString());
  }

  private static void awaitFile(QemuMachine m, Path file, Instant deadline, Duration timeout) {
    while (!Files.isRegularFile(file)) {
      if (Instant.now().isAfter(deadline)) {
        throw new MachineException(
            "QEMU reported the migration into "
                + file
                + " completed, but the file was not complete within "
                + DurationText.of(timeout)
                + "\nQEMU stderr:\n"
                + m.stderrTail(20));
      }
      pause(MIGRATION_POLL);
    }
  }

  /**
   * Waits until QEMU has loaded the state it was started with ({@link MachineSpec#incoming()}): its
   * status leaves {@code inmigrate}. A state saved from a stopped guest leaves it {@code paused}.
   *
   * @return the status QEMU reached
   * @throws MachineException when QEMU exits (it cannot load the state: its stderr says why) or is
   *     still loading after {@code timeout}
   */
  static String awaitIncoming(QemuMachine m, Duration timeout) {
    QmpClient qmp = m.qmp();
    Instant deadline = Instant.now().plus(timeout);
    String what = "loading the saved state " + m.spec().incoming().map(Path::toString).orElse("?");
    while (true) {
      String status;
      try {
        status = qmp.execute("query-status").path("status").asText();
      } catch (QmpException e) {
        Optional<Integer> exit = m.awaitExit(Duration.ofSeconds(2));
        throw new MachineException(
            what
                + ": QEMU "
                + exit.map(c -> "exited with code " + c).orElse("stopped answering")
                + "\nQEMU stderr:\n"
                + m.stderrTail(20),
            e);
      }
      if (!status.equals("inmigrate")) {
        return status;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new MachineException(
            what
                + ": QEMU is still in status inmigrate after "
                + DurationText.of(timeout)
                + "\nQEMU stderr:\n"
                + m.stderrTail(20));
      }
      pause(MIGRATION_POLL);
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MachineException("interrupted while waiting for a migration", e);
    }
  }
}
