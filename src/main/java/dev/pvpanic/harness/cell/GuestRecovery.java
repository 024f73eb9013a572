package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.guest.RebootWatch;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.oracle.CellNotApplicableException;
import dev.pvpanic.harness.oracle.Comparison;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.oracle.ObservedEvent;
import dev.pvpanic.harness.oracle.ObservedOutcome;
import dev.pvpanic.harness.oracle.OutcomeComparison;
import dev.pvpanic.harness.oracle.Recovery;
import dev.pvpanic.harness.qmp.QmpEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * After a passing cell ({@code after: recover}): what a cloud operator's monitoring does once it
 * has seen GUEST_PANICKED, QMP {@code system_reset} then {@code cont}; the guest must boot to READY
 * again, and the events of that path are checked against {@link Recovery}'s rules like the panic's.
 * The comparison goes to {@code recovery.txt}.
 */
final class GuestRecovery implements AfterAction {
  @Override
  public String id() {
    return "recover";
  }

  @Override
  public String doing() {
    return "recovery: system_reset, cont";
  }

  @Override
  public CellResult run(After a) {
    return recover(
        a.run(),
        a.machine(),
        a.expected().finalState(),
        a.passed(),
        a.options(),
        a.phases(),
        a.start());
  }

  static final String ARTIFACT = "recovery.txt";

  static CellResult recover(
      CellRun run,
      QemuMachine machine,
      FinalState afterPanic,
      CellResult passed,
      CellOptions options,
      Phases phases,
      Instant start) {
    ExpectedOutcome want;
    try {
      want = Recovery.expect(afterPanic, run.image.arch());
    } catch (CellNotApplicableException e) {
      return run.finish(Verdict.NOT_APPLICABLE, e.getMessage(), phases, start);
    }
    int from = machine.qmp().events().size();
    machine.console().moveCursorToEnd();
    machine.qmp().execute("system_reset");
    machine.qmp().execute("cont");
    Optional<String> notBooted =
        RebootWatch.await(
            machine,
            from,
            want.maxResets(),
            slice -> readyWithin(machine, slice),
            "READY line",
            options.bootTimeout());
    boolean loop = notBooted.isPresent() && RebootWatch.resets(machine, from) > want.maxResets();
    if (notBooted.isPresent() && !loop) {
      return run.finish(
          Verdict.TIMEOUT,
          "the cell passed, but after system_reset and cont the guest did not boot to READY: "
              + notBooted.get()
              + "\nevents since the reset: "
              + observed(machine, from).stream().map(ObservedEvent::describe).toList()
              + "\nconsole tail:\n  "
              + String.join("\n  ", machine.console().tail(40)),
          phases,
          start);
    }
    if (!loop) {
      machine.qmp().events().awaitQuiet(options.quietPeriod(), options.quietPeriod());
    }
    ObservedOutcome got =
        new ObservedOutcome(
            observed(machine, from),
            CellJudge.finalState(machine),
            false,
            Optional.empty(),
            Optional.empty(),
            notBooted.isEmpty());
    Comparison c = OutcomeComparison.compare(want, got);
    run.write(ARTIFACT, "after system_reset, cont:\n" + c.diff() + "\n");
    phases.mark("recover");
    if (!c.matches()) {
      return run.finish(
          Verdict.WRONG_EVENTS,
          "the panic went as the rules say, but the recovery (system_reset, cont) did not"
              + notBooted.map(why -> ": " + why).orElse("")
              + ":\n"
              + c.diff()
              + "\n\nthe panic:\n"
              + passed.message(),
          phases,
          start);
    }
    return run.finish(
        Verdict.PASS,
        passed.message() + "\nrecovery (system_reset, cont):\n" + c.diff(),
        phases,
        start);
  }

  /** Whether the READY line comes within {@code slice}. */
  private static boolean readyWithin(QemuMachine machine, java.time.Duration slice) {
    try {
      machine
          .console()
          .expectLine(
              "READY after system_reset and cont", GuestProtocol.READY_PATTERN, null, slice);
      return true;
    } catch (ConsoleException e) {
      return false;
    }
  }

  private static List<ObservedEvent> observed(QemuMachine machine, int from) {
    List<ObservedEvent> out = new ArrayList<>();
    for (QmpEvent e : machine.qmp().events().snapshot()) {
      if (e.index() >= from) {
        out.add(new ObservedEvent(e.name(), e.dataMap()));
      }
    }
    return out;
  }
}
