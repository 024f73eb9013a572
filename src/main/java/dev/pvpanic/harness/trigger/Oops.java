package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.Prediction;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.oracle.TriggerAction;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A kernel oops from the harness's own crasher module ({@code pvh_oops}, images/guest/oops): a NULL
 * dereference in its init, with {@code kernel.panic_on_oops=1} (set while arming): the oops becomes
 * a panic, inside the insmod.
 */
public final class Oops implements Trigger {
  /** The crasher module, as the image installs it (ImageBuilder puts trigger modules there). */
  static final String MODULE = "/lib/modules/pvh/extra/pvh_oops.ko";

  /** What both oops triggers type: the crasher's insmod. */
  static final TriggerAction INSMOD = new TriggerAction.Typed("insmod " + MODULE);

  /** The image's trigger module both oops triggers need. */
  static final List<String> MODULES = List.of("pvh_oops");

  /**
   * The crasher module's oops: "BUG: kernel NULL pointer dereference" (arch/x86/mm/fault.c
   * show_fault_oops) or "Unable to handle kernel NULL pointer dereference" (arch/arm64/mm/fault.c
   * die_kernel_fault), and the module's own line before it.
   */
  static final Pattern OOPS_LINE =
      Pattern.compile("pvh_oops: dereferencing NULL|kernel NULL pointer dereference");

  @Override
  public String id() {
    return "oops";
  }

  @Override
  public TriggerAction action() {
    return INSMOD;
  }

  @Override
  public List<String> arming(CellSetup setup) {
    return List.of("echo 1 > /proc/sys/kernel/panic_on_oops");
  }

  @Override
  public List<String> modules() {
    return MODULES;
  }

  @Override
  public void predict(Prediction p) {
    p.because(
        "the crasher module dereferences NULL with kernel.panic_on_oops=1 (set while arming)"
            + " -> the oops becomes a panic");
    if (kexecsBeforePanic(p.setup())) {
      p.because(
          "kdump loaded and crash_kexec_post_notifiers off -> the oops path calls"
              + " crash_kexec() before panic() (kexec_should_crash: panic_on_oops): no panic"
              + " notifier, no pvpanic event, no panic line in the dump's log");
      p.captureKernelRuns();
    } else {
      p.panic();
    }
  }

  @Override
  public boolean panics(CellSetup setup) {
    return true;
  }

  /**
   * arch/x86/kernel/dumpstack.c oops_end() {@code panic("Fatal exception")}; arch/arm64/kernel/
   * traps.c die() {@code panic("%s: Fatal exception", str)} with str "Oops" from
   * die_kernel_fault(). None when the capture kernel starts before panic() ({@link
   * #kexecsBeforePanic}): the log has the oops and no panic line.
   */
  @Override
  public Optional<String> panicMessage(CellSetup setup) {
    if (kexecsBeforePanic(setup)) {
      return Optional.empty();
    }
    return Optional.of(
        setup.architecture() == Architecture.AARCH64 ? "Oops: Fatal exception" : "Fatal exception");
  }

  @Override
  public Optional<Pattern> signature(boolean panicFlushes) {
    return Optional.of(OOPS_LINE);
  }

  /**
   * An oops with panic_on_oops and a crash kernel: arch/x86/kernel/dumpstack.c oops_end() and
   * arch/arm64/kernel/traps.c die() call {@code crash_kexec(regs)} first when kernel/kexec_core.c
   * kexec_should_crash() holds, which it does for panic_on_oops unless crash_kexec_post_notifiers
   * is set ("don't run crash_kexec() here yet, which must be run after panic notifiers in
   * panic()"). The capture kernel then starts without panic() and its notifiers.
   */
  static boolean kexecsBeforePanic(CellSetup setup) {
    return setup.kdumpLoaded() && !setup.postNotifiers().on();
  }
}
