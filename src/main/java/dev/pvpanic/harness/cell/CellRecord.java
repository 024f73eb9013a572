package dev.pvpanic.harness.cell;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.oracle.DiffLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A cell's {@code cell.json}: what the runner writes next to the cell's other artifacts, and what
 * the report, the benchmark and {@code pvpanic bundle} read back. One type both ways, so a field
 * cannot be written one way and read another.
 *
 * @param cell the name a person reads, e.g. {@code seed-no-kdump: x86_64-6.12 pci ...}
 * @param name the cell's name in its guest config, when it has one
 * @param parameters every axis value by key, as the config wrote it
 * @param seconds how long the cell took; null when it never ran
 * @param phases how long each phase took, in seconds, in order
 * @param diff the comparison as data (empty when the cell never got to one)
 * @param events every QMP event of the cell with QEMU's own timestamp
 * @param confinement how the cell's QEMU was confined; null when no QEMU ran
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CellRecord(
    String cell,
    String name,
    String id,
    Map<String, String> parameters,
    Verdict verdict,
    String qemu,
    String qemuBuild,
    String accelerator,
    Confinement confinement,
    String image,
    String start,
    String snapshotKey,
    String startReason,
    Double seconds,
    Map<String, Double> phases,
    Long qemuPeakKb,
    String message,
    Regression regression,
    List<DiffLine> diff,
    List<Event> events) {

  public CellRecord {
    Objects.requireNonNull(cell, "cell");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(verdict, "verdict");
    parameters = parameters == null ? Map.of() : parameters;
    phases = phases == null ? Map.of() : phases;
    diff = diff == null ? List.of() : List.copyOf(diff);
    events = events == null ? List.of() : List.copyOf(events);
    message = message == null ? "" : message;
  }

  /**
   * How the cell's QEMU was confined: what it was asked ({@code qemuArgs}, the {@code -sandbox} and
   * {@code -runas} or {@code -run-with} arguments; {@code user}, the account it was to drop to) and
   * what {@code /proc/<pid>/status} showed once it ran ({@code uid}, {@code gid}, {@code seccomp}:
   * 2 is a syscall filter, {@code noNewPrivs}, {@code capabilities}: the effective set in hex),
   * with what a person should know ({@code notes}) and what left it less confined than intended
   * ({@code warnings}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Confinement(
      String qemuArgs,
      String user,
      Integer uid,
      Integer gid,
      Integer seccomp,
      Boolean noNewPrivs,
      String capabilities,
      List<String> notes,
      List<String> warnings) {
    public Confinement {
      notes = notes == null ? List.of() : List.copyOf(notes);
      warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** {@code uid 65534, seccomp 2}: what ran, in a few words. */
    public String measured() {
      if (uid == null) {
        return "not measured";
      }
      return "uid " + uid + ", seccomp " + (seccomp == null ? "?" : seccomp);
    }
  }

  public Optional<Confinement> confinementRecord() {
    return Optional.ofNullable(confinement);
  }

  /** The regression a cell injects, the verdict that catches it, and whether it got it. */
  public record Regression(String what, String verdict, boolean caught) {}

  /**
   * One QMP event of the cell.
   *
   * @param qemuSeconds QEMU's timestamp, seconds since the epoch with microseconds
   */
  public record Event(String name, Map<String, Object> data, double qemuSeconds) {}

  public Optional<String> nameInConfig() {
    return Optional.ofNullable(name);
  }

  public Optional<Double> secondsTaken() {
    return Optional.ofNullable(seconds);
  }

  public Optional<Regression> injected() {
    return Optional.ofNullable(regression);
  }

  /** Writes the record to {@code <folder>/cell.json}. */
  public void writeTo(Path folder) throws IOException {
    Files.createDirectories(folder);
    Json.PRETTY.writeValue(folder.resolve(CellArtifacts.CELL_JSON).toFile(), this);
  }

  /**
   * Reads a cell.json.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static CellRecord read(Path cellJson) {
    try {
      CellRecord r = Json.TOLERANT.readValue(cellJson.toFile(), CellRecord.class);
      if (r == null) {
        throw new IllegalArgumentException(cellJson + " does not hold a JSON object");
      }
      return r;
    } catch (InvalidFormatException e) {
      if (e.getTargetType() == Verdict.class) {
        throw new IllegalArgumentException(
            cellJson
                + ": verdict '"
                + e.getValue()
                + "' is not one of "
                + Arrays.stream(Verdict.values()).map(Enum::name).collect(Collectors.joining(", ")),
            e);
      }
      throw new IllegalArgumentException(cellJson + " is not a cell record: " + first(e), e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException(cellJson + " is not readable JSON: " + first(e), e);
    }
  }

  private static String first(Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.lines().findFirst().orElse(m);
  }
}
