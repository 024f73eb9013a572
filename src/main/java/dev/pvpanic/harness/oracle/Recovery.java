package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an operator's recovery does to a VM a panic left up: QMP {@code system_reset}, then {@code
 * cont}. The reset emits RESET {guest: false, reason: host-qmp-system-reset} (qapi/run-state.json);
 * a VM that was not running (guest-panicked, paused, shutdown) is then in prelaunch
 * (system/runstate.c: main_loop_should_exit after qemu_system_reset), and {@code cont} starts it:
 * RESUME. On a VM that was running, {@code cont} does nothing (vm_prepare_start returns early, no
 * event). Either way the guest boots again to its READY line and QEMU runs. On x86 the reset
 * re-enters SeaBIOS with its POST already run (src/resume.c: HaveRunPost), and SeaBIOS asks for a
 * hard reboot of its own (qemu_reboot: port 0xcf9, then a triple fault): a handful of RESET {guest:
 * true, reason: guest-reset} follow ({@link QemuRules#seabiosResets}). An arm64 or riscv64 guest
 * booted with -kernel has no firmware to do that.
 */
public final class Recovery {
  private Recovery() {}

  /** Why there is nothing to recover after {@code after}, if so: QEMU is gone. */
  public static Optional<String> impossible(FinalState after) {
    return after instanceof FinalState.QemuExits e
        ? Optional.of(
            "after: recover needs QEMU up after the panic, but the rules say it exits ("
                + e.describe()
                + "); use panic: pause or none, or shutdown: pause")
        : Optional.empty();
  }

  /** The events and final state of system_reset then cont, from the state the cell ended in. */
  public static ExpectedOutcome expect(FinalState after, Architecture arch) {
    if (impossible(after).isPresent()) {
      throw new CellNotApplicableException(impossible(after).get());
    }
    List<ExpectedEvent> events = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    events.add(ExpectedEvent.hostReset());
    reasons.add(
        "system_reset -> RESET {guest: false, reason: host-qmp-system-reset}, the guest reboots");
    boolean running = after instanceof FinalState.Status s && s.running();
    if (running) {
      reasons.add("the VM was running: cont changes nothing and sends no event");
    } else {
      events.add(ExpectedEvent.resume());
      reasons.add(
          "the VM was stopped ("
              + after.describe()
              + "): the reset leaves it in prelaunch, cont starts it -> RESUME");
    }
    if (arch == Architecture.X86_64) {
      events.add(ExpectedEvent.guestReset(QemuRules.seabiosResets()));
      reasons.add(
          "SeaBIOS finds its POST already run and hard-reboots -> "
              + ExpectedEvent.guestReset(QemuRules.seabiosResets()).describe());
    }
    reasons.add("the guest boots to READY again: status running");
    return new ExpectedOutcome(events, FinalState.running(), false, reasons, Optional.empty());
  }
}
