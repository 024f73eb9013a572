package dev.pvpanic.harness.scenario;

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
    boolean cold) {

  /** Default bounds; snapshots unless {@code -Dpvh.cold=true}. */
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
        Boolean.getBoolean("pvh.cold"));
  }

  /** Boot every guest ({@code true}) or restore snapshots where one can be made. */
  public CellOptions withCold(boolean v) {
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
        v);
  }

  public CellOptions withTrigger(String command) {
    return new CellOptions(
        bootTimeout,
        armTimeout,
        eventTimeout,
        kdumpTimeout,
        quietPeriod,
        Optional.of(command),
        expectation,
        progress,
        hooks,
        cold);
  }

  public CellOptions withExpectation(UnaryOperator<ExpectedOutcome> rewrite) {
    return new CellOptions(
        bootTimeout,
        armTimeout,
        eventTimeout,
        kdumpTimeout,
        quietPeriod,
        trigger,
        rewrite,
        progress,
        hooks,
        cold);
  }

  public CellOptions withTimeouts(Duration events, Duration kdump) {
    return new CellOptions(
        bootTimeout,
        armTimeout,
        events,
        kdump,
        quietPeriod,
        trigger,
        expectation,
        progress,
        hooks,
        cold);
  }

  public CellOptions withProgress(Consumer<String> sink) {
    return new CellOptions(
        bootTimeout,
        armTimeout,
        eventTimeout,
        kdumpTimeout,
        quietPeriod,
        trigger,
        expectation,
        sink,
        hooks,
        cold);
  }

  public CellOptions withHooks(MachineHooks machineHooks) {
    return new CellOptions(
        bootTimeout,
        armTimeout,
        eventTimeout,
        kdumpTimeout,
        quietPeriod,
        trigger,
        expectation,
        progress,
        machineHooks,
        cold);
  }
}
