package dev.pvpanic.harness.report;

import dev.pvpanic.harness.cell.CellRecord;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.DiffLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds cell records for report tests and writes them with the runner's own writer. */
final class CellJson {
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private final List<DiffLine> diff = new ArrayList<>();
  private String name;
  private Verdict verdict = Verdict.PASS;
  private String qemu = "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)";
  private double seconds = 10.0;
  private String message = "= final: status running\n";
  private CellRecord.Regression regression;
  private CellRecord.Confinement confinement;

  private CellJson(String recipe) {
    parameters.put("recipe", recipe);
    // the smoke run's defaults, spelled out as the runner writes them
    parameters.put("kdump", "no");
    parameters.put("post_notifiers", "off");
    parameters.put("device", "pci");
    parameters.put("events", "default");
    parameters.put("panic", "default");
    parameters.put("shutdown", "default");
    parameters.put("trigger", "sysrq-c");
    parameters.put("acpi", "on");
    parameters.put("accelerator", "tcg");
    parameters.put("machine_type", "default");
    parameters.put("qemu", "host");
  }

  static CellJson cell(String recipe) {
    return new CellJson(recipe);
  }

  CellJson with(String axis, String value) {
    parameters.put(axis, value);
    return this;
  }

  CellJson verdict(String v) {
    verdict = Verdict.valueOf(v);
    return this;
  }

  CellJson seconds(double s) {
    seconds = s;
    return this;
  }

  CellJson message(String m) {
    message = m;
    return this;
  }

  CellJson name(String n) {
    name = n;
    return this;
  }

  CellJson qemu(String version) {
    qemu = version;
    return this;
  }

  /** How the cell's QEMU was confined. */
  CellJson confinement(CellRecord.Confinement c) {
    confinement = c;
    return this;
  }

  /** The regression the cell injects and the verdict that catches it. */
  CellJson regression(String what, String verdictName) {
    regression = new CellRecord.Regression(what, verdictName, false);
    return this;
  }

  /** One line of the comparison, as the judge records it. */
  CellJson diff(String mark, String section, String expected, String actual) {
    diff.add(new DiffLine(mark, section, expected, actual));
    return this;
  }

  /** The id the runner gives: the cell identity's. */
  String id() {
    return Cell.ofParameters(Optional.empty(), parameters, "cell.json").id();
  }

  /** Writes {@code <cellsDir>/<id>/cell.json} and returns the cell's folder. */
  Path writeTo(Path cellsDir) {
    return writeTo(cellsDir, id());
  }

  Path writeTo(Path cellsDir, String folderName) {
    Path folder = cellsDir.resolve(folderName);
    try {
      new CellRecord(
              name == null ? folderName : name,
              null,
              folderName,
              parameters,
              verdict,
              qemu,
              "host",
              "tcg",
              confinement,
              "image",
              "cold",
              null,
              null,
              seconds,
              Map.of("boot", 3.2, "collect", 6.5),
              null,
              message,
              regression,
              diff,
              List.of())
          .writeTo(folder);
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
