package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Bounds and test-only hooks.
 *
 * @param trigger replaces the trigger command (tests: a no-op proves timeouts work)
 * @param expectation rewrites the oracle's expectation (tests: a wrong one proves the diff)
 * @param hooks the caller's hooks on the machine's life
 * @param quietPeriod how long no event may arrive before a guest that is still running after its
 *     last expected event counts as done, where no stronger proof exists (see CellRunner)
 * @param cold boot every guest instead of restoring a snapshot of it ({@code -Dpvh.cold=true})
 * @param accelerator the accelerator of cells that name none ({@code pvh.accelerator})
 */
public record CellOptions(
    Duration bootTimeout,
    Duration armTimeout,
    Duration eventTimeout,
    Duration kdumpTimeout,
    Duration quietPeriod,
    Optional<String> trigger,
    UnaryOperator<ExpectedOutcome> expectation,
    Consumer<String> progress,
    MachineHooks hooks,
    boolean cold,
    Accelerator accelerator) {

  /**
   * Default bounds, snapshots and TCG for cells that name no accelerator: the settings' defaults
   * ({@code HarnessSession.cellOptions()} applies a session's {@code pvh.cold} and {@code
   * pvh.accelerator}).
   */
  public static CellOptions defaults() {
    return new CellOptions(
        Duration.ofSeconds(150),
        Duration.ofSeconds(90),
        Duration.ofSeconds(60),
        Duration.ofSeconds(150),
        Duration.ofSeconds(1),
        Optional.empty(),
        UnaryOperator.identity(),
        s -> {},
        MachineHooks.NONE,
        false,
        Accelerator.TCG);
  }

  /** Boot every guest ({@code true}) or restore snapshots where one can be made. */
  public CellOptions withCold(boolean v) {
    Copy b = new Copy(this);
    b.cold = v;
    return b.build();
  }

  /** The accelerator of cells that name none. */
  public CellOptions withAccelerator(Accelerator v) {
    Copy b = new Copy(this);
    b.accelerator = v;
    return b.build();
  }

  /** Replaces the trigger command (tests). */
  public CellOptions withTrigger(String command) {
    Copy b = new Copy(this);
    b.trigger = Optional.of(command);
    return b.build();
  }

  /** Rewrites the oracle's expectation (tests). */
  public CellOptions withExpectation(UnaryOperator<ExpectedOutcome> rewrite) {
    Copy b = new Copy(this);
    b.expectation = rewrite;
    return b.build();
  }

  /** Bounds the wait for events: without and with a capture kernel. */
  public CellOptions withTimeouts(Duration events, Duration kdump) {
    Copy b = new Copy(this);
    b.eventTimeout = events;
    b.kdumpTimeout = kdump;
    return b.build();
  }

  /** Bounds the wait for the guest to boot (or restore) and to be armed. */
  public CellOptions withBootTimeouts(Duration boot, Duration arm) {
    Copy b = new Copy(this);
    b.bootTimeout = boot;
    b.armTimeout = arm;
    return b.build();
  }

  /** Where phase lines go. */
  public CellOptions withProgress(Consumer<String> sink) {
    Copy b = new Copy(this);
    b.progress = sink;
    return b.build();
  }

  /** The caller's hooks on the machine's life. */
  public CellOptions withHooks(MachineHooks machineHooks) {
    Copy b = new Copy(this);
    b.hooks = machineHooks;
    return b.build();
  }

  /** A mutable copy, so each {@code with} method names only what it changes. */
  private static final class Copy {
    Duration bootTimeout;
    Duration armTimeout;
    Duration eventTimeout;
    Duration kdumpTimeout;
    Duration quietPeriod;
    Optional<String> trigger;
    UnaryOperator<ExpectedOutcome> expectation;
    Consumer<String> progress;
    MachineHooks hooks;
    boolean cold;
    Accelerator accelerator;

    Copy(CellOptions o) {
      bootTimeout = o.bootTimeout;
      armTimeout = o.armTimeout;
      eventTimeout = o.eventTimeout;
      kdumpTimeout = o.kdumpTimeout;
      quietPeriod = o.quietPeriod;
      trigger = o.trigger;
      expectation = o.expectation;
      progress = o.progress;
      hooks = o.hooks;
      cold = o.cold;
      accelerator = o.accelerator;
    }

    CellOptions build() {
      return new CellOptions(
          bootTimeout,
          armTimeout,
          eventTimeout,
          kdumpTimeout,
          quietPeriod,
          trigger,
          expectation,
          progress,
          hooks,
          cold,
          accelerator);
    }
  }
}
