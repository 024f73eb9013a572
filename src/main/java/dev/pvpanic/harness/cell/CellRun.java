package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.DiffLine;
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
import java.util.List;
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
  CellRecord.Confinement confinement;
  Optional<GuestProtocol.ReadyLine> guest = Optional.empty();
  Optional<ExpectedOutcome> expected = Optional.empty();
  Optional<ObservedOutcome> observed = Optional.empty();
  Throwable failure;
  CellStart cellStart = CellStart.cold("snapshots were not tried");

  OptionalLong qemuPeakKb = OptionalLong.empty();

  /** The comparison as data, once the cell was judged. */
  List<DiffLine> diff = List.of();

  /** The cell's QMP events, once the cell was judged. */
  List<CellRecord.Event> events = List.of();

  CellRun(Cell cell, GuestImage image, Path artifacts) {
    this.cell = cell;
    this.image = image;
    this.artifacts = artifacts;
  }

  /** Records how {@code machine}'s QEMU was confined, as asked and as /proc showed it. */
  void confinedAs(QemuMachine machine) {
    dev.pvpanic.harness.machine.QemuConfinement asked = machine.confinement();
    dev.pvpanic.harness.machine.ProcessConfinement ran = machine.measuredConfinement();
    confinement =
        new CellRecord.Confinement(
            String.join(" ", asked.qemuArgs()),
            asked.user().map(dev.pvpanic.harness.machine.QemuAccount::name).orElse(null),
            ran.uid(),
            ran.gid(),
            ran.seccomp(),
            ran.noNewPrivs(),
            Long.toHexString(ran.effectiveCapabilities()),
            asked.notes(),
            warnings(asked.warnings()));
  }

  /** QEMU's own warnings, and the cell's arguments that undo its confinement with the reason. */
  private List<String> warnings(List<String> asked) {
    List<String> all = new java.util.ArrayList<>(asked);
    cell.unconfinedBy().ifPresent(all::add);
    return all;
  }

  /** Records what the judged cell showed, and writes it as actual.txt and diff.txt. */
  void observed(CellJudge.Observation seen) {
    observed = Optional.of(seen.observed());
    events = seen.events();
    diff = seen.comparison().lines();
    write(CellArtifacts.ACTUAL, CellJudge.describe(seen.observed()));
    write(CellArtifacts.DIFF, seen.comparison().diff());
  }

  void write(String name, String text) {
    Path file = artifacts.resolve(name);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the cell's " + name + ": " + dev.pvpanic.harness.IoText.of(e, file), e);
    }
  }

  CellResult infrastructure(String what, Throwable e, Phases phases, Instant start) {
    failure = e;
    return finish(Verdict.INFRASTRUCTURE_ERROR, what + ": " + readable(e), phases, start);
  }

  /** A failure's message as a person reads it: an I/O error says where, never Java's class. */
  private String readable(Throwable e) {
    if (e instanceof UncheckedIOException u && e.getMessage().startsWith("java.io.")) {
      return dev.pvpanic.harness.IoText.of(u.getCause(), artifacts);
    }
    return e.getMessage();
  }

  CellResult finish(Decision decision, Phases phases, Instant start) {
    return finish(decision.verdict(), decision.message(), phases, start);
  }

  CellResult finish(Verdict verdict, String message, Phases phases, Instant start) {
    if (dev.pvpanic.harness.Interruption.requested()
        && verdict != Verdict.PASS
        && verdict != Verdict.NOT_APPLICABLE
        && verdict != Verdict.INTERRUPTED) {
      // the harness itself stopped this cell: what it saw then is no finding and no fault
      message =
          "interrupted (Ctrl-C) after "
              + (phases.done.isEmpty() ? "no phase" : String.join(", ", phases.done.keySet()))
              + "; no verdict. What the cell saw when it was stopped: "
              + message.lines().findFirst().orElse("");
      verdict = Verdict.INTERRUPTED;
    }
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
      record(r).writeTo(artifacts);
    } catch (IOException e) {
      // the verdict stands without its record file
    }
    return r;
  }

  /** What cell.json holds for result {@code r}. */
  private CellRecord record(CellResult r) {
    Map<String, Double> phases = new LinkedHashMap<>();
    r.phases().forEach((k, d) -> phases.put(k, d.toMillis() / 1000.0));
    return new CellRecord(
        cell.displayName(),
        cell.name().orElse(null),
        cell.id(),
        cell.parameters(),
        r.verdict(),
        qemuVersion,
        qemuBuild,
        accelerator,
        confinement,
        image == null ? "-" : image.id(),
        cellStart.mode().id(),
        cellStart.snapshotKey().orElse(null),
        cellStart.reason().orElse(null),
        r.total().toMillis() / 1000.0,
        phases,
        qemuPeakKb.isPresent() ? qemuPeakKb.getAsLong() : null,
        r.message(),
        cell.regression()
            .map(
                g ->
                    new CellRecord.Regression(
                        g.what(), g.verdict(), g.caughtBy(r.verdict().name())))
            .orElse(null),
        diff,
        events);
  }
}
