package dev.pvpanic.harness.scenario;

import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.ObservedOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state one cell accumulates while {@link CellRunner} drives it, and how it becomes a {@link
 * CellResult} and the cell's {@code cell.json}.
 */
final class CellRun {
  final Cell cell;
  final GuestImage image;
  final Path artifacts;
  String qemuVersion = "unknown";
  String qemuBuild = "unknown";
  String accelerator = "unknown";
  Optional<GuestProtocol.ReadyLine> guest = Optional.empty();
  Optional<ExpectedOutcome> expected = Optional.empty();
  Optional<ObservedOutcome> observed = Optional.empty();
  Throwable failure;
  CellStart cellStart = CellStart.cold("snapshots were not tried");

  /** The log index of the cell's first event: after a restore's RESUME, else 0. */
  int eventsFrom;

  OptionalLong qemuPeakKb = OptionalLong.empty();

  CellRun(Cell cell, GuestImage image, Path artifacts) {
    this.cell = cell;
    this.image = image;
    this.artifacts = artifacts;
  }

  void write(String name, String text) {
    try {
      Files.writeString(artifacts.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CellResult infrastructure(String what, Throwable e, Phases phases, Instant start) {
    failure = e;
    return finish(Verdict.INFRASTRUCTURE_ERROR, what + ": " + e.getMessage(), phases, start);
  }

  CellResult timeoutOrInfra(
      String what, ConsoleException e, QemuMachine machine, Phases phases, Instant start) {
    failure = e;
    if (!machine.isAlive()) {
      return finish(
          Verdict.INFRASTRUCTURE_ERROR,
          what
              + ": QEMU exited with code "
              + machine.exitCode().map(String::valueOf).orElse("?")
              + "\nQEMU stderr:\n"
              + machine.stderrTail(20)
              + "\n"
              + e.getMessage(),
          phases,
          start);
    }
    Verdict v = Verdict.INFRASTRUCTURE_ERROR;
    if (e instanceof dev.pvpanic.harness.console.ConsoleTimeoutException) {
      v = Verdict.TIMEOUT;
    } else if (e instanceof dev.pvpanic.harness.console.ConsoleFailureException) {
      v = Verdict.UNEXPECTED_PANIC;
    }
    return finish(v, what + ": " + e.getMessage(), phases, start);
  }

  CellResult finish(Verdict verdict, String message, Phases phases, Instant start) {
    CellResult r =
        new CellResult(
            cell,
            verdict,
            message,
            expected,
            observed,
            phases.done,
            Duration.between(start, Instant.now()),
            qemuVersion,
            accelerator,
            guest,
            artifacts,
            Optional.ofNullable(failure),
            cellStart,
            qemuPeakKb);
    try {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("cell", cell.displayName());
      summary.put("id", cell.id());
      summary.put("parameters", cell.parameters());
      summary.put("verdict", verdict.name());
      summary.put("qemu", qemuVersion);
      summary.put("qemuBuild", qemuBuild);
      summary.put("accelerator", accelerator);
      summary.put("image", image == null ? "-" : image.id());
      summary.put("start", cellStart.mode().id());
      summary.put("snapshotKey", cellStart.snapshotKey().orElse(null));
      summary.put("startReason", cellStart.reason().orElse(null));
      summary.put("seconds", r.total().toMillis() / 1000.0);
      Map<String, Double> p = new LinkedHashMap<>();
      r.phases().forEach((k, d) -> p.put(k, d.toMillis() / 1000.0));
      summary.put("phases", p);
      summary.put("qemuPeakKb", qemuPeakKb.isPresent() ? qemuPeakKb.getAsLong() : null);
      summary.put("message", message);
      cell.regression()
          .ifPresent(
              g ->
                  summary.put(
                      "regression",
                      Map.of(
                          "what", g.what(),
                          "verdict", g.verdict(),
                          "caught", g.caughtBy(verdict.name()))));
      Files.createDirectories(artifacts);
      CellRunner.JSON.writeValue(artifacts.resolve("cell.json").toFile(), summary);
    } catch (IOException e) {
      // the verdict stands without its summary file
    }
    return r;
  }
}
