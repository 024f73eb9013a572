package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The container engine and its QEMU image being made ready beside a run: ci/run-matrix.sh and
 * ci/test.sh start ci/qemu-container/prepare.sh in the background, so that on a fresh machine the
 * image's build (about 70 s) overlaps the Maven build and the cells that need no container, instead
 * of coming before them. Its folder ({@code PVH_CONTAINER_PREPARING}) holds the script's output
 * ({@code prepare.log}) and, once it has ended, its exit status ({@code status}). The first
 * question to the engine waits for it; a preparation that failed is the engine's problem, with the
 * end of its log, so a run that requires the engine fails naming it.
 */
public final class ContainerPreparation {
  /** How long the first use of the engine waits for the preparation. */
  public static final Duration LIMIT = Duration.ofMinutes(20);

  static final String STATUS = "status";
  static final String LOG = "prepare.log";
  private static final String SCRIPT = "ci/qemu-container/prepare.sh";

  private ContainerPreparation() {}

  /**
   * Waits until the preparation in {@code folder} has ended (or {@code limit} has passed).
   *
   * @param say told once when this has to wait, and when the wait is over
   * @return why the engine cannot be used, when the preparation failed or did not end in time
   */
  public static Optional<String> await(Path folder, Duration limit, Consumer<String> say) {
    Path status = folder.resolve(STATUS);
    long deadline = System.nanoTime() + limit.toNanos();
    long started = System.nanoTime();
    boolean waited = false;
    while (!Files.exists(status)) {
      if (!waited) {
        say.accept(
            "waiting for " + SCRIPT + " (the container engine and its QEMU image): " + log(folder));
        waited = true;
      }
      if (System.nanoTime() > deadline) {
        return Optional.of(
            SCRIPT + " had not ended after " + limit.toSeconds() + " s; see " + log(folder));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted while waiting for " + SCRIPT);
      }
    }
    String code;
    try {
      code = Files.readString(status, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return Optional.of("cannot read " + status + ": " + e.getMessage());
    }
    if (waited) {
      say.accept(
          SCRIPT
              + " ended (exit "
              + code
              + ") after a wait of "
              + Duration.ofNanos(System.nanoTime() - started).toSeconds()
              + " s");
    }
    if (code.equals("0")) {
      return Optional.empty();
    }
    return Optional.of(SCRIPT + " failed (exit " + code + "): " + tail(folder));
  }

  private static Path log(Path folder) {
    return folder.resolve(LOG);
  }

  /** The last lines of the preparation's log, joined. */
  private static String tail(Path folder) {
    try {
      List<String> lines = Files.readAllLines(log(folder), StandardCharsets.UTF_8);
      List<String> last = lines.subList(Math.max(0, lines.size() - 3), lines.size());
      return String.join(" / ", last) + " (" + log(folder) + ")";
    } catch (IOException e) {
      return "no log at " + log(folder);
    }
  }
}
