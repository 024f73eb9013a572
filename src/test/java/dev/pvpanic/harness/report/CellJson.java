package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes cell.json files the way the cell runner does, for report tests. */
final class CellJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, String> parameters = new LinkedHashMap<>();

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
    root.put("verdict", "PASS");
    root.put("qemu", "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)");
    root.put("accelerator", "tcg");
    root.put("seconds", 10.0);
    root.put("phases", Map.of("boot", 3.2, "collect", 6.5));
    root.put("message", "= final: status running\n");
  }

  static CellJson cell(String recipe) {
    return new CellJson(recipe);
  }

  CellJson with(String axis, String value) {
    parameters.put(axis, value);
    return this;
  }

  CellJson verdict(String v) {
    root.put("verdict", v);
    return this;
  }

  CellJson seconds(double s) {
    root.put("seconds", s);
    return this;
  }

  CellJson message(String m) {
    root.put("message", m);
    return this;
  }

  CellJson name(String n) {
    root.put("cell", n);
    return this;
  }

  CellJson qemu(String version) {
    root.put("qemu", version);
    return this;
  }

  /** The id the runner would give; tests only need it unique and readable. */
  String id() {
    StringBuilder sb = new StringBuilder(parameters.get("recipe"));
    parameters.forEach(
        (k, v) -> {
          if (!k.equals("recipe")) {
            sb.append('_').append(v);
          }
        });
    return sb.toString();
  }

  /** Writes {@code <cellsDir>/<id>/cell.json} and returns the cell's folder. */
  Path writeTo(Path cellsDir) {
    return writeTo(cellsDir, id());
  }

  Path writeTo(Path cellsDir, String folderName) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cell", root.getOrDefault("cell", folderName));
    out.put("id", folderName);
    out.put("parameters", parameters);
    root.forEach((k, v) -> out.putIfAbsent(k, v));
    try {
      Path folder = cellsDir.resolve(folderName);
      Files.createDirectories(folder);
      JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("cell.json").toFile(), out);
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
