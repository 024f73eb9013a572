package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.oracle.Prediction;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.oracle.TriggerAction;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@link Oops} with {@code kernel.panic_on_oops=0}: an oops is not a panic. The kernel kills
 * the task that oopsed (insmod) and goes on; no panic notifier runs.
 */
public final class OopsNoPanic implements Trigger {

  @Override
  public String id() {
    return "oops-no-panic";
  }

  @Override
  public TriggerAction action() {
    return Oops.INSMOD;
  }

  @Override
  public List<String> arming(CellSetup setup) {
    return List.of("echo 0 > /proc/sys/kernel/panic_on_oops");
  }

  @Override
  public List<String> modules() {
    return Oops.MODULES;
  }

  @Override
  public void predict(Prediction p) {
    p.because(
        "the crasher module dereferences NULL with kernel.panic_on_oops=0 -> an oops is not a"
            + " panic: the kernel kills the task that oopsed (insmod, neither init nor in an"
            + " interrupt, so kexec_should_crash() is false and no crash kernel runs either)"
            + " and goes on; no panic notifier runs -> no pvpanic event, status running");
    p.end(FinalState.running());
  }

  @Override
  public boolean panics(CellSetup setup) {
    return false;
  }

  @Override
  public Optional<String> panicMessage(CellSetup setup) {
    return Optional.empty();
  }

  @Override
  public Optional<Pattern> signature(boolean panicFlushes) {
    return Optional.of(Oops.OOPS_LINE);
  }

  /**
   * Killed by a signal (128 + the signal): without panic_on_oops the kernel kills the task that
   * oopsed (make_task_dead), the insmod; 0 would mean the crasher loaded without oopsing, 1 that it
   * did not load.
   */
  @Override
  public Optional<String> exitFailure(int status) {
    if (status > 128) {
      return Optional.empty();
    }
    return Optional.of(
        status == 0
            ? "insmod of the crasher returned 0: it loaded without an oops"
            : "insmod of the crasher failed (exit " + status + "): no oops");
  }
}
