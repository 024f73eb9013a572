package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.scenario.CellResult;
import io.qameta.allure.Allure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Allure glue: a cell's stable parameters (they form the history id, so nothing run-specific goes
 * in) and, at the end, its artifacts, read from the files the cell streamed while it ran.
 */
public final class CellReport {
  private static final List<String[]> ATTACHMENTS =
      List.of(
          new String[] {"expected vs actual", "diff.txt", "text/plain"},
          new String[] {"expected", "expected.txt", "text/plain"},
          new String[] {"actual", "actual.txt", "text/plain"},
          new String[] {"QEMU argv", "qemu-argv.txt", "text/plain"},
          new String[] {"kernel command line", "kernel-cmdline.txt", "text/plain"},
          new String[] {"serial console", "console.log", "text/plain"},
          new String[] {"QMP transcript", "qmp.log", "text/plain"},
          new String[] {"QEMU stderr", "qemu-stderr.log", "text/plain"},
          new String[] {"image manifest", "image-manifest.json", "application/json"},
          new String[] {"cell summary", "cell.json", "application/json"});

  private CellReport() {}

  public static void parameters(PlannedCell planned) {
    planned.cell().parameters().forEach(Allure::parameter);
    Allure.label("arch", planned.recipe().arch().id());
  }

  public static void attach(CellResult r) {
    Allure.parameter("qemu version", r.qemuVersion(), true);
    Allure.parameter("accelerator", r.accelerator(), true);
    r.phases().forEach((phase, d) -> Allure.step(phase + " (" + d.toMillis() + " ms)"));
    for (String[] a : ATTACHMENTS) {
      Path f = r.artifacts().resolve(a[1]);
      if (Files.exists(f)) {
        try {
          Allure.addAttachment(
              a[0], a[2], Files.newInputStream(f), a[1].replaceFirst(".*\\.", "."));
        } catch (IOException e) {
          Allure.addAttachment(a[0], "(unreadable: " + e.getMessage() + ")");
        }
      }
    }
  }
}
