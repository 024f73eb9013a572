package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.oracle.KernelConfig;
import dev.pvpanic.harness.oracle.Prediction;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import dev.pvpanic.harness.oracle.QemuRules;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.oracle.TriggerAction;
import dev.pvpanic.harness.oracle.WatchdogAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The guest arms an {@code i6300esb} watchdog (its driver loaded with a 2 s heartbeat) and stops
 * feeding it: when its second stage runs out QEMU performs {@code -action watchdog=} (the cell's
 * {@link WatchdogAction}). Only {@code inject-nmi} leads into a panic (an NMI no handler claims,
 * with kernel.unknown_nmi_panic=1).
 */
public final class Watchdog implements Trigger {
  /** The image's copy of the i6300esb driver (ImageBuilder puts trigger modules there). */
  static final String MODULE = "/lib/modules/pvh/extra/i6300esb.ko";

  /**
   * The i6300esb driver's heartbeat in seconds: drivers/watchdog/i6300esb.c writes {@code heartbeat
   * << 9} into both stages' preload registers, and QEMU's model (hw/watchdog/wdt_i6300esb.c
   * i6300esb_restart_timer) counts each at about 1 kHz ({@code preload << 15} ticks of 30 ns): each
   * stage lasts about heartbeat/2 s, so QEMU acts about 2 s after the last ping. The driver takes 1
   * to 2046.
   */
  static final int HEARTBEAT = 2;

  @Override
  public String id() {
    return "watchdog";
  }

  /**
   * Opens /dev/watchdog (which starts the i6300esb), pings it once and closes it without the magic
   * 'V': the watchdog core logs "watchdog did not stop!" and leaves it running, and nothing feeds
   * it again (drivers/watchdog/watchdog_dev.c watchdog_release).
   */
  @Override
  public TriggerAction action() {
    return new TriggerAction.Typed("echo 1 > /dev/watchdog");
  }

  @Override
  public List<String> arming(CellSetup setup) {
    List<String> commands = new ArrayList<>();
    // dependencies first (the watchdog core where it is a module), as the image lists them
    commands.add(
        "for m in $(cat /etc/pvh/extra/i6300esb.deps); do insmod $m; done; insmod "
            + MODULE
            + " heartbeat="
            + HEARTBEAT);
    if (setup.watchdogAction() == WatchdogAction.INJECT_NMI) {
      commands.add(Nmi.ARM);
    }
    return commands;
  }

  @Override
  public List<String> qemuArgs() {
    return List.of("-device", "i6300esb");
  }

  @Override
  public List<String> modules() {
    return List.of("i6300esb");
  }

  @Override
  public boolean panics(CellSetup setup) {
    return setup.watchdogAction().effective() == WatchdogAction.INJECT_NMI;
  }

  @Override
  public Optional<String> panicMessage(CellSetup setup) {
    return panics(setup) ? Optional.of(Nmi.PANIC) : Optional.empty();
  }

  /** The write to /dev/watchdog starts the timer and returns: 0; the reset or panic comes later. */
  @Override
  public Optional<String> exitFailure(int status) {
    return status == 0
        ? Optional.empty()
        : Optional.of("the write to /dev/watchdog failed (exit " + status + ")");
  }

  @Override
  public Optional<String> contradiction(boolean kdump, WatchdogAction watchdogAction) {
    return Optional.empty();
  }

  /**
   * At the end of the second stage QEMU performs the cell's -action watchdog= ({@link
   * QemuRules#onWatchdogExpired}); inject-nmi then goes on like the nmi trigger.
   */
  @Override
  public void predict(Prediction p) {
    WatchdogAction action = p.setup().watchdogAction();
    p.because(
        "the guest opens /dev/watchdog (i6300esb, heartbeat 2 s) and stops feeding it: stage 1"
            + " runs out (no interrupt: the driver disables it), stage 2 runs out -> QEMU performs"
            + " -action watchdog="
            + action.qemuValue()
            + (action == WatchdogAction.DEFAULT ? " (default)" : ""));
    QemuRules.Reaction reaction = QemuRules.onWatchdogExpired(action, p.setup().architecture());
    p.because("QEMU -> " + Prediction.describe(reaction));
    if (p.apply(reaction)) {
      return;
    }
    if (action.effective() == WatchdogAction.INJECT_NMI) {
      p.because(
          "the NMI reaches every vCPU with kernel.unknown_nmi_panic=1 (set while arming) -> an"
              + " NMI no handler claims: nmi_panic(\"NMI: Not continuing\")");
      p.panic();
      return;
    }
    p.end(FinalState.running());
  }

  @Override
  public List<String> cannotRun(CellSetup setup, KernelConfig config) {
    return config.tristate("CONFIG_I6300ESB_WDT").enabled()
        ? List.of()
        : List.of(
            "the kernel's config lacks CONFIG_I6300ESB_WDT (y or m): trigger watchdog needs"
                + " the i6300esb driver; use a kernel built with it, or trigger sysrq-c");
  }

  @Override
  public List<String> cannotRun(CellSetup setup, QemuCapabilities qemu) {
    List<String> reasons = new ArrayList<>();
    if (!qemu.i6300esb()) {
      reasons.add(
          "trigger watchdog needs -device i6300esb, which QEMU "
              + qemu.version()
              + " does not have; use sysrq-c or sysrq-break");
    }
    actionNeedsTheBuild(setup.watchdogAction(), qemu).ifPresent(reasons::add);
    if (setup.watchdogAction() == WatchdogAction.INJECT_NMI
        && setup.architecture() != Architecture.X86_64) {
      // inject-nmi does what QMP inject-nmi does: nothing on QEMU's arm virt machine
      reasons.add(
          "watchdog: inject-nmi: QEMU's "
              + setup.architecture().name().toLowerCase(Locale.ROOT)
              + " virt machine has no NMI to inject; use reset, shutdown, poweroff, pause,"
              + " debug or none");
    }
    return reasons;
  }

  /**
   * {@code -action watchdog=X}: set-action's {@code watchdog} member (qapi/run-state.json, 6.0)
   * must take X; the default (reset) needs no option.
   */
  private static Optional<String> actionNeedsTheBuild(
      WatchdogAction action, QemuCapabilities qemu) {
    if (action == WatchdogAction.DEFAULT || qemu.watchdogActions().contains(action.qemuValue())) {
      return Optional.empty();
    }
    return Optional.of(
        qemu.watchdogActions().isEmpty()
            ? "-action watchdog="
                + action.qemuValue()
                + " needs QEMU >= 6.0 (this is "
                + qemu.version()
                + "); use watchdog: default (reset)"
            : "QEMU "
                + qemu.version()
                + " has no -action watchdog="
                + action.qemuValue()
                + "; valid: "
                + String.join(", ", new TreeSet<>(qemu.watchdogActions())));
  }
}
