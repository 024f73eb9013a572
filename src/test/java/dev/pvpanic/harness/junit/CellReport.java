package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.CellIdentity;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.report.Scenario;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Allure glue for one matrix cell.
 *
 * <p>{@link #parameters} runs first: the cell's parameters (arch, recipe, kdump, notifiers, device,
 * actions, trigger, what else differs from the defaults, QEMU version) and the history id, test
 * case id and name of the cell's {@link CellIdentity}; run-specific values (the accelerator
 * actually used, timings) are shown and kept out of every id.
 *
 * <p>{@link #attach} runs after the cell: one step per phase with its real duration (boot, arm,
 * trigger, collect, then the verdict, failed or broken as the verdict says), each carrying the
 * artifacts that belong to it, read from the files the cell streamed while it ran.
 */
public final class CellReport {
  private record Artifact(String title, String file, String type) {}

  private static final Artifact ARGV =
      new Artifact("QEMU argv", CellArtifacts.QEMU_ARGV, "text/plain");
  private static final Artifact CMDLINE =
      new Artifact("kernel command line", CellArtifacts.KERNEL_CMDLINE, "text/plain");
  private static final Artifact MANIFEST =
      new Artifact("image manifest", CellArtifacts.IMAGE_MANIFEST, "application/json");
  private static final Artifact STDERR =
      new Artifact("QEMU stderr", CellArtifacts.QEMU_STDERR, "text/plain");
  private static final Artifact QMP =
      new Artifact("QMP transcript", CellArtifacts.QMP, "text/plain");
  private static final Artifact DIFF =
      new Artifact("expected vs actual", CellArtifacts.DIFF, "text/plain");
  private static final Artifact EXPECTED =
      new Artifact("expected", CellArtifacts.EXPECTED, "text/plain");
  private static final Artifact ACTUAL = new Artifact("actual", CellArtifacts.ACTUAL, "text/plain");
  private static final Artifact CONSOLE =
      new Artifact("serial console", CellArtifacts.CONSOLE, "text/plain");
  private static final Artifact SUMMARY =
      new Artifact("cell summary", CellArtifacts.CELL_JSON, "application/json");

  /** What each phase is called in the report and which artifacts it carries. */
  private static final Map<String, String> PHASE_TITLES = new LinkedHashMap<>();

  private static final Map<String, List<Artifact>> PHASE_ARTIFACTS =
      Map.of("start", List.of(ARGV, CMDLINE, MANIFEST, STDERR), "collect", List.of(QMP));

  static {
    PHASE_TITLES.put("start", "start QEMU");
    PHASE_TITLES.put("boot", "boot to READY");
    PHASE_TITLES.put("arm", "arm (kdump, notifiers)");
    PHASE_TITLES.put("trigger", "trigger");
    PHASE_TITLES.put("collect", "collect events and final state");
  }

  private CellReport() {}

  /**
   * Before the cell runs: labels, the cell's parameters, and the history id, test case id and name
   * of its identity (allure-junit would key history on the JUnit invocation index, which shifts
   * whenever a config gains a cell).
   */
  public static void parameters(PlannedCell planned) {
    Cell cell = planned.cell();
    CellIdentity identity = cell.identity();
    String arch = planned.recipe().arch().id();
    Allure.label("arch", arch);
    Allure.epic(arch);
    Allure.feature(cell.recipe());
    Allure.story(new Scenario(cell.parameters()).label());

    Map<String, String> shown = new LinkedHashMap<>();
    shown.put("arch", arch);
    shown.put("recipe", cell.recipe());
    shown.put("kdump", cell.get(Axis.KDUMP));
    shown.put("post_notifiers", cell.get(Axis.POST_NOTIFIERS));
    shown.put("device", cell.device().toString());
    shown.put("actions", "panic=" + cell.get(Axis.PANIC) + " shutdown=" + cell.get(Axis.SHUTDOWN));
    shown.put("trigger", cell.get(Axis.TRIGGER));
    for (Axis rare :
        List.of(
            Axis.WATCHDOG,
            Axis.ACPI,
            Axis.MACHINE_TYPE,
            Axis.ACCELERATOR,
            Axis.QEMU,
            Axis.AFTER,
            Axis.KERNEL_ARGS,
            Axis.QEMU_ARGS)) {
      if (!rare.isDefault(cell.get(rare))) {
        shown.put(rare.key(), cell.get(rare));
      }
    }
    // the probe is cached and gives the same text as the QMP greeting; shown, not part of the
    // history: a cell keeps its history across an upgrade of the QEMU it names
    shown.put(
        "QEMU version",
        QemuVersionProbe.version(planned.qemu()).map(Object::toString).orElse("unknown"));
    shown.forEach(Allure::parameter);
    Allure.getLifecycle()
        .updateTestCase(
            r ->
                r.setHistoryId(identity.historyId())
                    .setTestCaseId(identity.testCaseId())
                    .setName(identity.testName()));
  }

  /** After the cell ran: run-specific facts, the phases as steps, and the artifacts. */
  public static void attach(CellResult r) {
    Allure.parameter("accelerator used", r.accelerator(), true);
    Allure.link("cell folder", folderLink(r.artifacts(), TestSettings.jvm().artifactsUrl()));
    Allure.description(r.cell().displayName() + "\n\nArtifacts: " + r.artifacts().toAbsolutePath());
    phaseSteps(r);
    Path dir = r.artifacts();
    for (Artifact a : List.of(CONSOLE, SUMMARY)) {
      attachFile(a, dir);
    }
  }

  /**
   * Where a person finds the cell's folder from its Allure test: under the artifacts URL when one
   * is set ({@code pvh.artifacts-url}, where {@code <build>/cells} is served), else relative to the
   * report ci/report.sh writes ({@code <build>/report/allure/index.html}).
   */
  static String folderLink(Path artifacts, Optional<URI> base) {
    Path folder = artifacts.toAbsolutePath().normalize();
    String config = folder.getParent().getFileName().toString();
    String cell = folder.getFileName().toString();
    return base.map(b -> b + "/" + config + "/" + cell + "/")
        .orElse("../../cells/" + config + "/" + cell + "/");
  }

  private static void phaseSteps(CellResult r) {
    // the phases ran back to back and the cell ended a moment ago
    long end = System.currentTimeMillis();
    long t = end - r.total().toMillis();
    Status outcome = status(r.verdict());
    for (Map.Entry<String, Duration> phase : r.phases().entrySet()) {
      long to = t + phase.getValue().toMillis();
      step(title(phase.getKey(), r), t, to, Status.PASSED, null, artifactsOf(phase.getKey()), r);
      t = to;
    }
    if (outcome == Status.FAILED || outcome == Status.BROKEN) {
      // the phase the cell was in when it failed never finished, so phases() does not have it
      for (String p : PHASE_TITLES.keySet()) {
        if (!r.phases().containsKey(p)) {
          long to = Math.max(t, end);
          String why = firstLines(r.message(), 3);
          step(title(p, r) + " (did not finish)", t, to, outcome, why, artifactsOf(p), r);
          t = to;
          break;
        }
      }
    }
    String details = r.passed() ? null : firstLines(r.message(), 12);
    step("verdict: " + r.verdict(), t, t, outcome, details, List.of(DIFF, EXPECTED, ACTUAL), r);
  }

  private static String title(String phase, CellResult r) {
    String t = PHASE_TITLES.getOrDefault(phase, phase);
    return phase.equals("trigger") ? t + ": " + r.cell().get(Axis.TRIGGER) : t;
  }

  private static List<Artifact> artifactsOf(String phase) {
    return PHASE_ARTIFACTS.getOrDefault(phase, List.of());
  }

  private static Status status(Verdict v) {
    return switch (v) {
      case PASS -> Status.PASSED;
      case WRONG_GUEST_STATE, WRONG_EVENTS, UNEXPECTED_PANIC, QEMU_CRASHED, CAPTURE_FAILED ->
          Status.FAILED;
      case TIMEOUT, INFRASTRUCTURE_ERROR, INTERRUPTED -> Status.BROKEN;
      case NOT_APPLICABLE -> Status.SKIPPED;
    };
  }

  /**
   * A finished step with explicit times. The lifecycle stamps start and stop with the clock when a
   * step starts and stops; the real phase times are set on the same object afterwards, before the
   * test result is written.
   */
  private static void step(
      String name,
      long from,
      long to,
      Status status,
      String detail,
      List<Artifact> artifacts,
      CellResult r) {
    AllureLifecycle life = Allure.getLifecycle();
    String uuid = UUID.randomUUID().toString();
    StepResult step = new StepResult().setName(name).setStatus(status);
    if (detail != null) {
      step.setStatusDetails(new StatusDetails().setMessage(detail));
    }
    life.startStep(uuid, step);
    try {
      artifacts.forEach(a -> attachFile(a, r.artifacts()));
    } finally {
      life.stopStep(uuid);
    }
    step.setStart(from);
    step.setStop(to);
  }

  private static void attachFile(Artifact a, Path dir) {
    Path f = dir.resolve(a.file());
    if (!Files.exists(f)) {
      return;
    }
    String ext = a.file().substring(a.file().lastIndexOf('.'));
    try (InputStream in = Files.newInputStream(f)) {
      Allure.addAttachment(a.title(), a.type(), in, ext);
    } catch (IOException e) {
      Allure.addAttachment(a.title(), "(unreadable: " + e.getMessage() + ")");
    }
  }

  private static String firstLines(String message, int n) {
    return message.lines().limit(n).collect(Collectors.joining("\n"));
  }
}
