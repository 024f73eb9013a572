package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.guest.CaptureProgress;
import dev.pvpanic.harness.guest.ConsolePatterns;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.guest.RebootWatch;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.oracle.ExpectedEvent;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.ObservedEvent;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.qmp.EventLog;
import dev.pvpanic.harness.qmp.QmpDisconnectedException;
import dev.pvpanic.harness.qmp.QmpEvent;
import dev.pvpanic.harness.qmp.QmpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the trigger: waits for the expected events (from the cell's first event on: a restore's
 * RESUME is not the cell's), the capture kernel's VMCORE line when it runs, and then for proof that
 * nothing more comes. It stops waiting as soon as the outcome is certain: an event other than the
 * awaited one has come (the sequence can no longer match), or the panic ended without the awaited
 * event.
 *
 * <p>When the rules say the guest reboots, a {@link RebootWatch} then waits to see it booting (and
 * stops at a reset loop); then a {@link QuietProof} shows that nothing more comes.
 */
final class EventCollector {
  private static final Logger LOG = LoggerFactory.getLogger(EventCollector.class);

  /** How often a wait for an event looks whether the panic has ended without it. */
  private static final Duration SLICE = Duration.ofMillis(250);

  /** How often the wait for the VMCORE line looks whether the capture kernel panicked itself. */
  private static final Duration VMCORE_SLICE = Duration.ofMillis(500);

  /**
   * What collection found.
   *
   * @param awaitedButMissing what was awaited and never came (or what came instead)
   * @param qemuExited QEMU was gone when collection ended
   * @param triggerFailed why the trigger typed on the shell did not do its part, when its exit
   *     status says so ({@link TriggerExit})
   * @param bootSeen a kernel banner came on the console after the cell's first RESET
   * @param notBooted why a guest the rules say reboots was not seen booting ({@link RebootWatch})
   */
  record Collected(
      Optional<String> awaitedButMissing,
      boolean qemuExited,
      Optional<String> triggerFailed,
      boolean bootSeen,
      Optional<String> notBooted) {
    Collected(
        Optional<String> awaitedButMissing, boolean qemuExited, Optional<String> triggerFailed) {
      this(awaitedButMissing, qemuExited, triggerFailed, false, Optional.empty());
    }
  }

  private final QemuMachine machine;
  private final ExpectedOutcome expected;
  private final TriggerTimeline timeline;
  private final CellOptions options;
  private final Optional<Trigger> typed;

  /**
   * @param typed the trigger, when it was typed on the shell with its {@link TriggerExit} line
   */
  EventCollector(
      QemuMachine machine,
      ExpectedOutcome expected,
      TriggerTimeline timeline,
      CellOptions options,
      Optional<Trigger> typed) {
    this.machine = machine;
    this.expected = expected;
    this.timeline = timeline;
    this.options = options;
    this.typed = typed;
  }

  /** Why the typed trigger did not do its part, once its exit line says so. */
  private Optional<String> triggerFailed() {
    return typed.flatMap(t -> timeline.triggerExit().flatMap(t::exitFailure));
  }

  Collected collect(int eventsFrom, Phases phases) {
    Duration budget =
        expected.captureKernelRuns() ? options.kdumpTimeout() : options.eventTimeout();
    Instant deadline = Instant.now().plus(budget);
    Optional<String> missing;
    try {
      missing = awaitExpected(eventsFrom, deadline, budget);
    } catch (QmpDisconnectedException gone) {
      markTimeline(phases);
      return new Collected(Optional.empty(), true, Optional.empty());
    }
    if (missing.isPresent()) {
      if (machine.isAlive()) {
        // a few more milliseconds of events make the diff complete
        machine.qmp().events().awaitQuiet(options.quietPeriod(), options.quietPeriod());
      }
      markTimeline(phases);
      return new Collected(missing, !machine.isAlive(), triggerFailed());
    }
    if (expected.events().isEmpty() && !consoleShowsEffect(deadline)) {
      markTimeline(phases);
      return new Collected(
          Optional.of("the guest to panic or power off (console)"), false, triggerFailed());
    }
    // a capture kernel that panicked itself decides the cell: nothing it was to do can come
    boolean captureFailed = expected.captureKernelRuns() && !awaitVmcore(machine, deadline);
    Optional<String> notBooted =
        captureFailed || !expected.bootsAgain()
            ? Optional.empty()
            : RebootWatch.await(
                machine,
                eventsFrom,
                expected.maxResets(),
                timeline::awaitBootAfterReset,
                "kernel banner after the reset",
                options.bootTimeout());
    for (QuietProof proof :
        captureFailed || notBooted.isPresent()
            ? java.util.List.<QuietProof>of()
            : QuietProof.proofs(expected, timeline, options.quietPeriod(), left(deadline))) {
      if (proof.holds(machine)) {
        LOG.debug("{}: nothing more comes: {}", machine.spec().name(), proof.name());
        break;
      }
    }
    markTimeline(phases);
    phases.mark("collect");
    return new Collected(
        Optional.empty(),
        !machine.isAlive(),
        Optional.empty(),
        timeline.bootSeenAfterReset(),
        notBooted);
  }

  /**
   * Awaits each expected event in order; returns what was awaited in vain, or empty when all came.
   * A repeating event's further occurrences are passed over up to its bound; any other event in its
   * place, the expected one with other data, or one repeat too many decides at once: the sequence
   * can no longer match.
   */
  private Optional<String> awaitExpected(int from, Instant deadline, Duration budget) {
    EventLog log = machine.qmp().events();
    ExpectedEvent previous = null;
    int previousCount = 0;
    for (ExpectedEvent e : expected.events()) {
      while (true) {
        QmpEvent got;
        try {
          got = log.await(ev -> true, "QMP event " + e.name(), from, slice(deadline));
        } catch (QmpTimeoutException t) {
          Optional<String> hopeless = hopeless(e, log, from, deadline, budget);
          if (hopeless.isPresent()) {
            return hopeless;
          }
          continue;
        }
        from = (int) got.index() + 1;
        ObservedEvent actual = new ObservedEvent(got.name(), got.dataMap());
        if (e.matches(actual)) {
          break;
        }
        if (previous != null
            && previous.matches(actual)
            && previousCount < previous.multiplicity().max()) {
          previousCount++;
          continue;
        }
        String awaited = "QMP event " + e.describe();
        if (previous != null && previous.matches(actual)) {
          return Optional.of(
              awaited
                  + ", but "
                  + previous.name()
                  + " came "
                  + (previousCount + 1)
                  + " times (the rules allow at most "
                  + previous.multiplicity().max()
                  + ")");
        }
        return Optional.of(
            awaited
                + ", but "
                + actual.describe()
                + (got.name().equals(e.name()) ? " came, with other data" : " came instead"));
      }
      previous = e;
      previousCount = 1;
    }
    return Optional.empty();
  }

  /** Why the awaited event can no longer come, once a wait's slice ran out; empty while it can. */
  private Optional<String> hopeless(
      ExpectedEvent e, EventLog log, int from, Instant deadline, Duration budget) {
    if (!Instant.now().isBefore(deadline)) {
      return Optional.of("QMP event " + e.name() + " within " + DurationText.of(budget));
    }
    if (triggerFailed().isPresent()) {
      return Optional.of("QMP event " + e.name() + ": the trigger did not take");
    }
    if (StuckCell.qemuStopped(machine).isPresent()) {
      return Optional.of("QMP event " + e.name() + ": QEMU is stopped");
    }
    if (kernelDoneWithout(log, from)) {
      return Optional.of("QMP event " + e.name() + ": the guest kernel finished without it");
    }
    if (expected.captureKernelRuns() && CaptureProgress.of(machine.console().lines()).hopeless()) {
      return Optional.of("QMP event " + e.name() + ": the capture kernel panicked itself");
    }
    return Optional.empty();
  }

  /**
   * True when the kernel's panic or halt path has ended and, after a {@code query-status} barrier,
   * no event from {@code from} on is in the log: none can come any more (no capture kernel runs).
   */
  private boolean kernelDoneWithout(EventLog log, int from) {
    if (expected.captureKernelRuns() || !timeline.awaitKernelDone(Duration.ZERO)) {
      return false;
    }
    QuietProof.running(machine); // the ordering barrier: its reply follows every earlier event
    return log.size() <= from;
  }

  /**
   * No event expected: the console must show that the trigger did something. Waits in slices, and
   * stops as soon as the typed trigger's exit line says it did not take; true when the proof came
   * or QEMU is gone.
   */
  private boolean consoleShowsEffect(Instant deadline) {
    while (true) {
      try {
        machine
            .console()
            .expect(
                "console proof that the trigger took effect",
                ConsolePatterns.TRIGGER_TOOK_EFFECT,
                null,
                slice(deadline));
        return true;
      } catch (ConsoleException ce) {
        if (!machine.isAlive()) {
          return true;
        }
        if (!Instant.now().isBefore(deadline) || triggerFailed().isPresent()) {
          return false;
        }
      }
    }
  }

  private static Duration slice(Instant deadline) {
    Duration left = left(deadline);
    return left.compareTo(SLICE) < 0 ? left : SLICE;
  }

  /** Phase boundaries at the times things happened, not the times the waits returned. */
  private void markTimeline(Phases phases) {
    timeline.effect().ifPresent(t -> phases.markAt("trigger", t));
    if (expected.captureKernelRuns()) {
      timeline.vmcore().ifPresent(t -> phases.markAt("capture", t));
    }
  }

  /**
   * Waits for the capture kernel's VMCORE line, in slices, and stops as soon as it can no longer
   * come (the capture kernel panicked itself) or QEMU is gone: the judge then names what the
   * capture kernel did ({@link CaptureProgress}).
   *
   * @return false when the capture kernel panicked itself before the line
   */
  private static boolean awaitVmcore(QemuMachine machine, Instant deadline) {
    while (machine.isAlive()) {
      Duration left = left(deadline);
      if (left.isZero()) {
        return true;
      }
      try {
        machine
            .console()
            .expectLine(
                "the capture kernel's VMCORE line",
                GuestProtocol.VMCORE_PATTERN,
                null,
                left.compareTo(VMCORE_SLICE) < 0 ? left : VMCORE_SLICE);
        return true;
      } catch (ConsoleException ce) {
        if (!machine.console().isOpen()) {
          return true;
        }
        if (CaptureProgress.of(machine.console().lines()).hopeless()) {
          return false;
        }
      }
    }
    return true;
  }

  private static Duration left(Instant deadline) {
    Duration d = Duration.between(Instant.now(), deadline);
    return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
  }
}
