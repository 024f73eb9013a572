package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.Prediction;
import dev.pvpanic.harness.oracle.Trigger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A trigger that always panics the kernel with one message and shows one console line: its rule is
 * the shared panic path ({@link Prediction#panic}) after the reason it panics.
 */
abstract class PanicTrigger implements Trigger {
  private final String panic;
  private final Pattern signature;

  /**
   * @param panic the text panic() is given (kernel/panic.c: "Kernel panic - not syncing: <text>")
   * @param signature the console line that shows the panic is this trigger's
   */
  PanicTrigger(String panic, Pattern signature) {
    this.panic = panic;
    this.signature = signature;
  }

  /** Why it panics, with the source that says so; empty when its action says it all. */
  abstract Optional<String> why();

  @Override
  public final void predict(Prediction p) {
    why().ifPresent(p::because);
    p.panic();
  }

  @Override
  public final boolean panics(CellSetup setup) {
    return true;
  }

  @Override
  public final Optional<String> panicMessage(CellSetup setup) {
    return Optional.of(panic);
  }

  @Override
  public Optional<Pattern> signature(boolean panicFlushes) {
    return Optional.of(signature);
  }
}
