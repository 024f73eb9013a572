package dev.pvpanic.harness.cell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.guest.CaptureProgress;
import dev.pvpanic.harness.guest.ConsolePatterns;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.Cell;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads what a cell showed (events, final state, the VMCORE line, the guest's report) and turns it
 * into a verdict: a wrong guest state before the trigger first, then a trigger that never took
 * effect (a timeout), then the events.
 */
final class CellJudge {
  private CellJudge() {}

  /**
   * What the cell showed, read once QEMU is done with the trigger: its QMP events (from the cell's
   * first on), its final state, the capture kernel's lines, and the comparison with {@code
   * expected}.
   *
   * @param events the cell's events as cell.json records them
   */
  record Observation(
      ObservedOutcome observed, Comparison comparison, List<CellRecord.Event> events) {
    List<ObservedEvent> observedEvents() {
      return observed.events();
    }
  }

  /** The verdict and, when the cell got as far as its events, what it showed. */
  record Judgement(Decision decision, Optional<Observation> observation) {}

  /**
   * Judges a cell after {@link EventCollector}: QEMU's death or a stop first, then what it showed
   * against {@code expected}.
   */
  static Judgement judge(
      Cell cell,
      int eventsFrom,
      QemuMachine machine,
      ExpectedOutcome expected,
      GuestReport report,
      EventCollector.Collected collected) {
    Optional<Decision> gone = gone(machine, collected);
    if (gone.isPresent()) {
      return new Judgement(gone.get(), Optional.empty());
    }
    FinalState finalState = finalState(machine);
    if (finalState instanceof FinalState.QemuExits exit
        && QemuDeath.of(exit.exitCode()).isPresent()) {
      // QEMU died of a signal between the check above and query-status: a death, not a final state
      Optional<Decision> diedLate = QemuGone.decision(machine);
      if (diedLate.isPresent()) {
        return new Judgement(diedLate.get(), Optional.empty());
      }
    }
    Observation seen = observe(machine, eventsFrom, finalState, report, collected, expected);
    return new Judgement(decide(cell, machine, expected, collected, seen), Optional.of(seen));
  }

  /** QEMU died, lost its QMP connection, or stopped while a wait ran out. */
  private static Optional<Decision> gone(QemuMachine machine, EventCollector.Collected collected) {
    Optional<Decision> died = QemuGone.decision(machine);
    if (died.isPresent() || collected.awaitedButMissing().isEmpty()) {
      return died;
    }
    return StuckCell.qemuStopped(machine)
        .map(
            stopped ->
                new Decision(
                    Verdict.INFRASTRUCTURE_ERROR,
                    "waiting for " + collected.awaitedButMissing().get() + ": " + stopped));
  }

  private static Observation observe(
      QemuMachine machine,
      int eventsFrom,
      FinalState finalState,
      GuestReport report,
      EventCollector.Collected collected,
      ExpectedOutcome expected) {
    List<ObservedEvent> events = new ArrayList<>();
    List<CellRecord.Event> recorded = new ArrayList<>();
    for (QmpEvent e : machine.qmp().events().snapshot()) {
      if (e.index() >= eventsFrom) {
        events.add(new ObservedEvent(e.name(), e.dataMap()));
        recorded.add(
            new CellRecord.Event(
                e.name(),
                e.dataMap(),
                e.qemuTime().getEpochSecond() + e.qemuTime().getNano() / 1e9));
      }
    }
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
    return new Observation(observed, OutcomeComparison.compare(expected, observed), recorded);
  }

  /**
   * The verdict, rule by rule: a wrong guest state before the trigger first, then a trigger that
   * refused or never took effect, a capture kernel that failed, a panic that is not the trigger's,
   * a dump log without the panic, and last the events.
   */
  private static Decision decide(
      Cell cell,
      QemuMachine machine,
      ExpectedOutcome expected,
      EventCollector.Collected collected,
      Observation seen) {
    Comparison c = seen.comparison();
    List<ObservedEvent> events = seen.observedEvents();
    if (!c.guestStateMatches()) {
      return new Decision(
          Verdict.WRONG_GUEST_STATE,
          "the guest's state before the trigger is not what the rules derive from the cell, the"
              + " image and the QEMU build:\n"
              + c.diff());
    }
    if (collected.awaitedButMissing().isPresent() && collected.triggerFailed().isPresent()) {
      // the guest is alive at its shell, the trigger refused: not a hang, not a timeout
      return new Decision(
          Verdict.WRONG_GUEST_STATE,
          "the trigger "
              + cell.trigger().id()
              + " did not take: "
              + collected.triggerFailed().get()
              + eventsAndTail(events, machine, 20));
    }
    boolean triggerSeen =
        !events.isEmpty()
            || !machine.isAlive()
            || machine.console().lines().stream()
                .anyMatch(l -> ConsolePatterns.TRIGGER_TOOK_EFFECT.matcher(l).find());
    if (collected.awaitedButMissing().isPresent() && !triggerSeen) {
      return new Decision(
          Verdict.TIMEOUT,
          "timed out waiting for "
              + collected.awaitedButMissing().get()
              + "; the trigger never took effect; "
              + StuckCell.consoleClass(machine.console().sinceLastOutput())
              + eventsAndTail(events, machine, 40));
    }
    return captureFailed(machine, expected, seen.observed().vmcoreSeen(), c)
        .or(() -> notTheTriggers(cell, machine, expected, c))
        .orElseGet(() -> byTheEvents(machine, collected, c));
  }

  /**
   * A capture kernel that failed leaves only events missing; a wrong or unexpected event decides
   * the cell before the capture kernel could report: the events are the finding then.
   */
  private static Optional<Decision> captureFailed(
      QemuMachine machine, ExpectedOutcome expected, boolean vmcore, Comparison c) {
    boolean wrongEvent =
        c.lines().stream()
            .anyMatch(
                l -> l.section().equals("event") && (l.mark().equals("+") || l.mark().equals("!")));
    if (!expected.captureKernelRuns() || vmcore || wrongEvent) {
      return Optional.empty();
    }
    CaptureProgress capture = CaptureProgress.of(machine.console().lines());
    return Optional.of(
        new Decision(
            Verdict.CAPTURE_FAILED,
            "kdump failed: "
                + capture.describe()
                + (c.matches() ? "" : "\nthe QMP events differ too:\n" + c.diff())
                + "\nconsole tail:\n  "
                + String.join("\n  ", machine.console().tail(30))));
  }

  /** The events match, but the panic is not the trigger's, or the dump log lacks the panic. */
  private static Optional<Decision> notTheTriggers(
      Cell cell, QemuMachine machine, ExpectedOutcome expected, Comparison c) {
    Optional<String> unsigned =
        missingSignature(
            cell.trigger(),
            !expected.captureKernelRuns()
                && expected.finalState() instanceof FinalState.Status s
                && s.running(),
            machine.console().lines());
    if (c.matches() && unsigned.isPresent()) {
      return Optional.of(
          new Decision(
              Verdict.WRONG_EVENTS,
              "the events match, but the panic is not the trigger's: the console lacks "
                  + unsigned.get()
                  + "\n"
                  + c.diff()
                  + "\nconsole tail:\n  "
                  + String.join("\n  ", machine.console().tail(30))));
    }
    boolean onlyDumpLog =
        c.lines().stream().filter(DiffLine::differs).allMatch(l -> l.section().equals("dump log"));
    if (!c.matches() && onlyDumpLog) {
      return Optional.of(
          new Decision(
              Verdict.WRONG_EVENTS,
              "the events match, but the kernel log in the capture kernel's /proc/vmcore does not"
                  + " hold the panic the rules expect:\n"
                  + c.diff()));
    }
    return Optional.empty();
  }

  private static Decision byTheEvents(
      QemuMachine machine, EventCollector.Collected collected, Comparison c) {
    if (c.matches()) {
      return new Decision(Verdict.PASS, c.diff());
    }
    return new Decision(
        Verdict.WRONG_EVENTS,
        collected
                .notBooted()
                .map(why -> "the guest was to reboot, but " + why + ":\n")
                .orElse("the QMP events differ from what the rules predict:\n")
            + c.diff()
            + collected
                .notBooted()
                .map(why -> "console tail:\n  " + String.join("\n  ", machine.console().tail(20)))
                .orElse(""));
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
    Optional<Pattern> signature = trigger.signature(panicFlushes);
    if (signature.isEmpty()) {
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
