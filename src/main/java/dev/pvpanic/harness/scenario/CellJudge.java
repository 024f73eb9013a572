package dev.pvpanic.harness.scenario;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.oracle.Comparison;
import dev.pvpanic.harness.oracle.DiffLine;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.oracle.GuestReport;
import dev.pvpanic.harness.oracle.ObservedEvent;
import dev.pvpanic.harness.oracle.ObservedOutcome;
import dev.pvpanic.harness.oracle.OutcomeComparison;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.qmp.QmpDisconnectedException;
import dev.pvpanic.harness.qmp.QmpEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads what a cell showed (events, final state, the VMCORE line, the guest's report) and turns it
 * into a verdict: a wrong guest state before the trigger first, then a trigger that never took
 * effect (a timeout), then the events.
 */
final class CellJudge {
  private CellJudge() {}

  static CellResult judge(
      CellRun run,
      QemuMachine machine,
      ExpectedOutcome expected,
      GuestReport report,
      EventCollector.Collected collected,
      Phases phases,
      Instant start) {
    Optional<CellResult> died = run.qemuGone(machine, phases, start);
    if (died.isPresent()) {
      return died.get();
    }
    if (collected.awaitedButMissing().isPresent()) {
      Optional<String> stopped = StuckCell.qemuStopped(machine);
      if (stopped.isPresent()) {
        return run.finish(
            Verdict.INFRASTRUCTURE_ERROR,
            "waiting for " + collected.awaitedButMissing().get() + ": " + stopped.get(),
            phases,
            start);
      }
    }
    FinalState finalState = finalState(machine);
    if (finalState instanceof FinalState.QemuExits exit
        && QemuDeath.of(exit.exitCode()).isPresent()) {
      // QEMU died of a signal between the check above and query-status: a death, not a final state
      Optional<CellResult> diedLate = run.qemuGone(machine, phases, start);
      if (diedLate.isPresent()) {
        return diedLate.get();
      }
    }
    List<ObservedEvent> events = new ArrayList<>();
    List<CellRecord.Event> recorded = new ArrayList<>();
    for (QmpEvent e : machine.qmp().events().snapshot()) {
      if (e.index() >= run.eventsFrom) {
        events.add(new ObservedEvent(e.name(), toMap(e.data())));
        recorded.add(
            new CellRecord.Event(
                e.name(),
                toMap(e.data()),
                e.qemuTime().getEpochSecond() + e.qemuTime().getNano() / 1e9));
      }
    }
    run.events = recorded;
    boolean vmcore =
        machine.console().lines().stream()
            .anyMatch(l -> GuestProtocol.VMCORE_PATTERN.matcher(l).find());
    ObservedOutcome observed =
        new ObservedOutcome(
            events,
            finalState,
            vmcore,
            Optional.of(report),
            GuestProtocol.dumpLog(machine.console().lines()),
            collected.bootSeen());
    run.observed = Optional.of(observed);
    run.write(CellArtifacts.ACTUAL, describe(observed));
    Comparison c = OutcomeComparison.compare(expected, observed);
    run.diff = c.lines();
    run.write(CellArtifacts.DIFF, c.diff());
    if (!c.guestStateMatches()) {
      return run.finish(
          Verdict.WRONG_GUEST_STATE,
          "the guest's state before the trigger is not what the rules derive from the cell, the"
              + " image and the QEMU build:\n"
              + c.diff(),
          phases,
          start);
    }
    if (collected.awaitedButMissing().isPresent() && collected.triggerFailed().isPresent()) {
      // the guest is alive at its shell, the trigger refused: not a hang, not a timeout
      return run.finish(
          Verdict.WRONG_GUEST_STATE,
          "the trigger "
              + run.cell.trigger().id()
              + " did not take: "
              + collected.triggerFailed().get()
              + eventsAndTail(events, machine, 20),
          phases,
          start);
    }
    boolean triggerSeen =
        !events.isEmpty()
            || !machine.isAlive()
            || machine.console().lines().stream()
                .anyMatch(l -> ConsolePatterns.TRIGGER_TOOK_EFFECT.matcher(l).find());
    if (collected.awaitedButMissing().isPresent() && !triggerSeen) {
      return run.finish(
          Verdict.TIMEOUT,
          "timed out waiting for "
              + collected.awaitedButMissing().get()
              + "; the trigger never took effect; "
              + StuckCell.consoleClass(machine.console().sinceLastOutput())
              + eventsAndTail(events, machine, 40),
          phases,
          start);
    }
    // a wrong or unexpected event decides the cell before the capture kernel could report: the
    // events are the finding; a capture kernel that failed leaves only events missing
    boolean wrongEvent =
        c.lines().stream()
            .anyMatch(
                l -> l.section().equals("event") && (l.mark().equals("+") || l.mark().equals("!")));
    if (expected.captureKernelRuns() && !vmcore && !wrongEvent) {
      CaptureProgress capture = CaptureProgress.of(machine.console().lines());
      return run.finish(
          Verdict.CAPTURE_FAILED,
          "kdump failed: "
              + capture.describe()
              + (c.matches() ? "" : "\nthe QMP events differ too:\n" + c.diff())
              + "\nconsole tail:\n  "
              + String.join("\n  ", machine.console().tail(30)),
          phases,
          start);
    }
    Optional<String> unsigned =
        missingSignature(
            run.cell.trigger(),
            !expected.captureKernelRuns()
                && expected.finalState() instanceof FinalState.Status s
                && s.running(),
            machine.console().lines());
    if (c.matches() && unsigned.isPresent()) {
      return run.finish(
          Verdict.WRONG_EVENTS,
          "the events match, but the panic is not the trigger's: the console lacks "
              + unsigned.get()
              + "\n"
              + c.diff()
              + "\nconsole tail:\n  "
              + String.join("\n  ", machine.console().tail(30)),
          phases,
          start);
    }
    boolean onlyDumpLog =
        c.lines().stream().filter(DiffLine::differs).allMatch(l -> l.section().equals("dump log"));
    if (!c.matches() && onlyDumpLog) {
      return run.finish(
          Verdict.WRONG_EVENTS,
          "the events match, but the kernel log in the capture kernel's /proc/vmcore does not"
              + " hold the panic the rules expect:\n"
              + c.diff(),
          phases,
          start);
    }
    return c.matches()
        ? run.finish(Verdict.PASS, c.diff(), phases, start)
        : run.finish(
            Verdict.WRONG_EVENTS,
            collected
                    .notBooted()
                    .map(why -> "the guest was to reboot, but " + why + ":\n")
                    .orElse("the QMP events differ from what the rules predict:\n")
                + c.diff()
                + collected
                    .notBooted()
                    .map(
                        why ->
                            "console tail:\n  " + String.join("\n  ", machine.console().tail(20)))
                    .orElse(""),
            phases,
            start);
  }

  /**
   * The trigger's console signature when a panic trigger's own line is missing: a panic must be the
   * one the trigger caused ("sysrq: Trigger a crash" for both sysrq triggers, "NMI: Not continuing"
   * for an NMI), not another one that happened to produce the same events. An NMI panic's line
   * shows only when panic() gets to flush the consoles ({@code panicFlushes}: the guest keeps
   * running, no capture kernel): printk from NMI context is deferred, and a kexec, or QEMU stopping
   * or ending the VM at the pvpanic event, comes first (seen with 6.12); its memory dump still
   * holds it ({@code after: dump}).
   */
  static Optional<String> missingSignature(
      Trigger trigger, boolean panicFlushes, List<String> console) {
    Optional<Pattern> signature = ConsolePatterns.signature(trigger);
    if (signature.isEmpty() || (trigger == Trigger.NMI && !panicFlushes)) {
      return Optional.empty();
    }
    boolean seen = console.stream().anyMatch(l -> signature.get().matcher(l).find());
    return seen ? Optional.empty() : Optional.of("'" + signature.get().pattern() + "'");
  }

  static FinalState finalState(QemuMachine machine) {
    if (!machine.isAlive() || !machine.qmp().isConnected()) {
      Optional<Integer> code = machine.awaitExit(Duration.ofSeconds(10));
      if (code.isPresent()) {
        return new FinalState.QemuExits(code.get());
      }
    }
    try {
      JsonNode s = machine.qmp().execute("query-status");
      return new FinalState.Status(s.path("status").asText(), s.path("running").asBoolean());
    } catch (QmpDisconnectedException e) {
      return new FinalState.QemuExits(machine.awaitExit(Duration.ofSeconds(10)).orElse(-1));
    }
  }

  static Map<String, Object> toMap(JsonNode data) {
    return Json.MAPPER.convertValue(data, new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  static String describe(ObservedOutcome o) {
    StringBuilder sb = new StringBuilder();
    o.guest().ifPresent(g -> sb.append(describe(g)));
    if (o.events().isEmpty()) {
      sb.append("no QMP events\n");
    }
    o.events().forEach(e -> sb.append(e.describe()).append('\n'));
    sb.append("final: ").append(o.finalState().describe()).append('\n');
    sb.append("capture kernel VMCORE line: ")
        .append(o.vmcoreSeen() ? "seen" : "not seen")
        .append('\n');
    o.dumpLog()
        .ifPresent(d -> sb.append("dump log (vmcore-dmesg): ").append(d.describe()).append('\n'));
    return sb.toString();
  }

  private static String describe(GuestReport g) {
    StringBuilder sb = new StringBuilder();
    sb.append("guest kernel: ").append(g.kernelRelease()).append('\n');
    sb.append("guest pvpanic driver: ").append(g.driver().readyValue()).append('\n');
    sb.append("guest sysfs capability: ")
        .append(g.capability().isPresent() ? g.capability().getAsInt() : "-")
        .append(", events: ")
        .append(g.events().isPresent() ? g.events().getAsInt() : "-")
        .append('\n');
    sb.append("guest at READY: kexec_crash_loaded ")
        .append(g.kexecCrashLoaded().map(b -> b ? "1" : "0").orElse("?"))
        .append(", crash_kexec_post_notifiers ")
        .append(g.postNotifiers().map(b -> b ? "Y" : "N").orElse("?"))
        .append('\n');
    g.armed()
        .ifPresent(
            a ->
                sb.append("guest after arming: kexec_crash_loaded ")
                    .append(a.kexecCrashLoaded().map(b -> b ? "1" : "0").orElse("-"))
                    .append(", crash_kexec_post_notifiers ")
                    .append(a.postNotifiers().map(b -> b ? "Y" : "N").orElse("-"))
                    .append(a.detail().map(d -> " (" + d + ")").orElse(""))
                    .append('\n'));
    return sb.toString();
  }

  /** The events so far and the console's last {@code lines}, for a verdict's message. */
  private static String eventsAndTail(List<ObservedEvent> events, QemuMachine machine, int lines) {
    return "\nevents so far: "
        + (events.isEmpty() ? "none" : events.stream().map(ObservedEvent::describe).toList())
        + "\nconsole tail:\n  "
        + String.join("\n  ", machine.console().tail(lines));
  }
}
