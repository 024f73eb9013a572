package dev.pvpanic.harness.machine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.qmp.QmpClient;
import dev.pvpanic.harness.qmp.QmpException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
   * migrates into a part file the harness opened and handed over as a descriptor ({@link
   * FileHandover}: no process is spawned, and QEMU needs no right to the cache) and polls {@code
   * query-migrate} until it completes. QEMU writes the stream before it reports {@code completed},
   * so the part file is then whole and is renamed to {@code file}. The machine stays stopped
   * (status {@code postmigrate}); start a new QEMU with {@link MachineSpec#incoming()} to go on
   * from the saved state.
   *
   * @throws MachineException when the migration fails (with QEMU's reason), QEMU exits, or it does
   *     not complete within {@code timeout}
   */
  static void save(QemuMachine m, Path file, Duration timeout) {
    QmpClient qmp = m.qmp();
    String name = m.spec().name();
    Instant deadline = Instant.now().plus(timeout);
    Path part = file.resolveSibling(file.getFileName() + ".part");
    try {
      try (FileOutputStream out = new FileOutputStream(part.toFile())) {
        qmp.execute("stop");
        qmp.execute(
            "migrate-set-parameters", Map.of("max-bandwidth", SAVE_BANDWIDTH_BYTES_PER_SECOND));
        String uri = m.migrationHandover().hand(qmp, out.getFD(), m.nextHandoverSerial());
        qmp.execute("migrate", Map.of("uri", uri));
        awaitCompleted(m, file, deadline, timeout);
      }
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
    } catch (IOException e) {
      throw new MachineException(
          "saving the state of " + name + " into " + file + " failed: " + e.getMessage(), e);
    }
  }

  private static void awaitCompleted(QemuMachine m, Path file, Instant deadline, Duration timeout) {
    String name = m.spec().name();
    while (true) {
      JsonNode info = m.qmp().execute("query-migrate");
      String status = info.path("status").asText("none");
      switch (status) {
        case "completed" -> {
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
  }

  /**
   * Starts loading {@code file} into a QEMU started with {@code -incoming defer}: hands the opened
   * file over ({@link FileHandover}) and asks {@code migrate-incoming} to read it. Returns at once;
   * {@link #awaitIncoming} waits for the load.
   *
   * @throws MachineException when the file cannot be opened or QEMU refuses it
   */
  static void startIncoming(QmpClient qmp, FileHandover handover, Path file, int serial) {
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      String uri = handover.hand(qmp, in.getFD(), serial);
      qmp.execute("migrate-incoming", Map.of("uri", uri));
    } catch (IOException e) {
      throw new MachineException("cannot open the saved state " + file + ": " + e.getMessage(), e);
    } catch (QmpException e) {
      throw new MachineException(
          "QEMU did not take the saved state " + file + ": " + e.getMessage(), e);
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
