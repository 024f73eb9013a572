package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What QEMU does with a pvpanic write or a shutdown request. One method per rule; each names the
 * QEMU source it comes from (system/runstate.c was softmmu/runstate.c before 8.1).
 */
public final class QemuRules {
  private QemuRules() {}

  /**
   * QEMU's side of one step: the events it sends and, when it stops the guest or exits, how the
   * cell ends. An empty {@code end} means the guest goes on running.
   */
  public record Reaction(List<ExpectedEvent> events, Optional<FinalState> end) {
    public Reaction {
      events = List.copyOf(events);
    }
  }

  /**
   * qemu_system_guest_crashloaded(): sends GUEST_CRASHLOADED{action: run} and nothing else, so
   * {@code -action} plays no part and the guest runs on into kdump. Before QEMU 5.0
   * hw/misc/pvpanic.c handle_event() knew only PANICKED and dropped bit 1 ("pvpanic: unknown
   * event").
   */
  static Reaction onCrashLoaded(QemuCapabilities qemu) {
    return qemu.crashLoadedEvent()
        ? new Reaction(List.of(ExpectedEvent.guestCrashLoaded()), Optional.empty())
        : new Reaction(List.of(), Optional.empty());
  }

  /**
   * qemu_system_guest_panicked() from QEMU 6.0:
   *
   * <ul>
   *   <li>panic=pause, or panic=shutdown with shutdown=pause: GUEST_PANICKED{pause} and
   *       vm_stop(RUN_STATE_GUEST_PANICKED): STOP, status guest-panicked;
   *   <li>panic=shutdown or exit-failure: GUEST_PANICKED{poweroff}, a vm_stop REQUEST (the vCPU
   *       thread cannot stop the VM itself, so do_vm_stop() only queues it) and
   *       qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC), handled by {@link
   *       #onShutdownRequest};
   *   <li>panic=none: GUEST_PANICKED{run} and the guest runs on.
   * </ul>
   *
   * Before 6.0 (no -action): GUEST_PANICKED{pause} and a vm_stop request, then, without {@code
   * -no-shutdown}, GUEST_PANICKED{poweroff} and a shutdown request; with {@code -no-shutdown},
   * GUEST_PANICKED{pause}, STOP, status guest-panicked and no second event. FACTS.md lists a STOP
   * between the two GUEST_PANICKED events; the source says otherwise: the STOP could only come from
   * the main loop's queued vm_stop, which main_loop_should_exit() reaches after the shutdown
   * request has made QEMU exit, and vm_shutdown() stops the VM without a STOP event.
   */
  static Reaction onPanicked(
      QemuCapabilities qemu, PanicAction panicAction, ShutdownAction shutdownAction) {
    PanicAction panic = panicAction.effective();
    ShutdownAction shutdown = shutdownAction.effective();
    if (!qemu.singlePanicEvent() && shutdownAction == ShutdownAction.NO_SHUTDOWN) {
      // vl.c before 6.0: qemu_system_guest_panicked() sends GUEST_PANICKED{pause} and stops the VM
      // (STOP, guest-panicked); with no_shutdown set it sends no second event.
      return new Reaction(
          List.of(ExpectedEvent.guestPanicked("pause"), ExpectedEvent.stop()),
          Optional.of(FinalState.guestPanicked()));
    }
    if (!qemu.singlePanicEvent()) {
      List<ExpectedEvent> events = new ArrayList<>();
      events.add(ExpectedEvent.guestPanicked("pause"));
      events.add(ExpectedEvent.guestPanicked("poweroff"));
      Reaction end = onShutdownRequest("guest-panic", panic, shutdown);
      events.addAll(end.events());
      return new Reaction(events, end.end());
    }
    if (panic == PanicAction.PAUSE
        || (panic == PanicAction.SHUTDOWN && shutdown == ShutdownAction.PAUSE)) {
      return new Reaction(
          List.of(ExpectedEvent.guestPanicked("pause"), ExpectedEvent.stop()),
          Optional.of(FinalState.guestPanicked()));
    }
    if (panic == PanicAction.SHUTDOWN || panic == PanicAction.EXIT_FAILURE) {
      List<ExpectedEvent> events = new ArrayList<>();
      events.add(ExpectedEvent.guestPanicked("poweroff"));
      Reaction end = onShutdownRequest("guest-panic", panic, shutdown);
      events.addAll(end.events());
      return new Reaction(events, end.end());
    }
    return new Reaction(List.of(ExpectedEvent.guestPanicked("run")), Optional.empty());
  }

  /**
   * main_loop_should_exit(): a shutdown request sends SHUTDOWN{guest: true, reason} (qemu_system_
   * shutdown()); then shutdown=pause does vm_stop(RUN_STATE_SHUTDOWN) from the main loop, which
   * sends STOP (status shutdown); otherwise the main loop ends and QEMU exits with EXIT_FAILURE
   * when the cause is a guest panic and panic=exit-failure, else 0. The exit path stops the VM with
   * vm_shutdown(), which sends no STOP ("Historically clients did not expect a QMP STOP event",
   * system/cpus.c), so a queued vm_stop(GUEST_PANICKED) never shows.
   *
   * <p>With panic=exit-failure and shutdown=pause the main loop's vm_stop(SHUTDOWN) comes first:
   * SHUTDOWN, STOP, status shutdown; the queued vm_stop(GUEST_PANICKED) then finds the VM stopped
   * and does nothing.
   */
  public static Reaction onShutdownRequest(
      String reason, PanicAction panic, ShutdownAction shutdown) {
    if (shutdown.effective() == ShutdownAction.PAUSE) {
      return new Reaction(
          List.of(ExpectedEvent.shutdown(reason), ExpectedEvent.stop()),
          Optional.of(FinalState.shutdownPaused()));
    }
    int exitCode =
        reason.equals("guest-panic") && panic.effective() == PanicAction.EXIT_FAILURE ? 1 : 0;
    return new Reaction(
        List.of(ExpectedEvent.shutdown(reason)), Optional.of(FinalState.exits(exitCode)));
  }

  /**
   * QEMU's riscv virt machine powers off through its SiFive test finisher (hw/misc/sifive_test.c;
   * OpenSBI's SBI shutdown and Linux's syscon-poweroff both write FINISHER_PASS there). Before 8.2
   * that write calls {@code exit(0)}: no SHUTDOWN event, no {@code -action shutdown=}. From 8.2
   * (commit 215128e44bd3 "hw/misc/sifive_test.c: replace exit calls with proper shutdown") it is
   * qemu_system_shutdown_request_with_code(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 0), handled by {@link
   * #onShutdownRequest} (seen: 7.2 exits with no event, 11.1 sends SHUTDOWN and honours
   * shutdown=pause). A version rule: introspection cannot show it.
   */
  public static boolean finisherRequestsShutdown(QemuCapabilities qemu) {
    return qemu.version().atLeast(8, 2);
  }

  /** The test finisher's {@code exit(0)} before QEMU 8.2: no event, QEMU exits 0. */
  public static Reaction onFinisherExit() {
    return new Reaction(List.of(), Optional.of(FinalState.exits(0)));
  }

  /**
   * qemu_system_guest_pvshutdown() (9.1): GUEST_PVSHUTDOWN, then
   * qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN), handled by {@link
   * #onShutdownRequest}. Before 9.1 hw/misc/pvpanic.c dropped bit 2.
   */
  public static Reaction onPvShutdown(
      QemuCapabilities qemu, PanicAction panic, ShutdownAction shutdown) {
    if (!qemu.pvShutdown()) {
      return new Reaction(List.of(), Optional.empty());
    }
    List<ExpectedEvent> events = new ArrayList<>();
    events.add(ExpectedEvent.guestPvShutdown());
    Reaction end = onShutdownRequest("guest-shutdown", panic, shutdown);
    events.addAll(end.events());
    return new Reaction(events, end.end());
  }

  /**
   * The capture kernel reboots: qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET), then
   * qemu_system_reset() sends RESET{guest: true, reason: guest-reset} and the VM starts again from
   * {@code -kernel} (reboot action "reset" is the default): as many RESETs as {@link #rebootResets}
   * bounds, then the guest boots again, which the cell must see on its console.
   */
  static Reaction onCaptureKernelReboot(Architecture architecture) {
    return new Reaction(
        List.of(ExpectedEvent.guestReset(rebootResets(architecture))), Optional.empty());
  }

  /**
   * How many RESET {guest: true, reason: guest-reset} one reboot gives, by the firmware that runs
   * after it. QEMU handles a reset request in its main loop (qemu_system_reset_request() in
   * system/runstate.c only records it and stops the vCPU at the end of its translation block), so a
   * requester that goes on to its next reset method can ask again before the first is handled.
   *
   * <ul>
   *   <li>x86_64: the reset (Linux's arch/x86/kernel/reboot.c native_machine_emergency_restart():
   *       the ACPI reset register, then the keyboard controller, ...; or QEMU's own for a watchdog)
   *       starts SeaBIOS with its POST already run in shadow RAM (src/romlayout.S entry_post,
   *       src/resume.c handle_resume -> tryReboot), which hard-reboots (src/fw/shadow.c
   *       qemu_reboot: its image restored, port 0xcf9, then a triple fault) until a reset finds a
   *       clean image: a handful of requests, 2 to 5 seen on QEMU 5.2 (i440fx), 7.2, 10.0 and 11.1
   *       ({@link #X86_REBOOT_RESETS} bounds them), where a firmware that loops sends hundreds a
   *       second;
   *   <li>aarch64: PSCI SYSTEM_RESET powers the calling CPU off at once (target/arm/psci.c: "PSCI
   *       mandates that we never return from the reset/shutdown call"), and {@code -kernel} boots
   *       without firmware: exactly one;
   *   <li>riscv64: SBI system reset through the virt machine's test finisher (hw/misc/sifive_test.c
   *       FINISHER_RESET); Linux's machine_restart() spins after it, and OpenSBI starts the {@code
   *       -kernel} image again without a reboot of its own: exactly one.
   * </ul>
   *
   * A thousand RESETs with no boot between them (seen on Debian's QEMU 5.2 with q35) is therefore a
   * difference, never a repeat; and a reboot is proven by the guest booting, not by its RESETs.
   */
  static Multiplicity rebootResets(Architecture architecture) {
    return switch (architecture) {
      case X86_64 -> Multiplicity.upTo(X86_REBOOT_RESETS, SEABIOS_REBOOT);
      case AARCH64, RISCV64 -> Multiplicity.ONE;
    };
  }

  /** The most RESETs one x86 reboot through SeaBIOS gives ({@link #rebootResets}). */
  public static final int X86_REBOOT_RESETS = 8;

  private static final String SEABIOS_REBOOT =
      "the reset, then SeaBIOS's hard reboot until a reset finds a clean image: a handful, at most "
          + X86_REBOOT_RESETS;

  /**
   * The RESETs {guest: true, reason: guest-reset} SeaBIOS adds after a reset the host asked for
   * (QMP system_reset, itself RESET {guest: false}): its hard reboot ({@link #rebootResets}).
   */
  static Multiplicity seabiosResets() {
    return Multiplicity.upTo(X86_REBOOT_RESETS - 1, SEABIOS_REBOOT);
  }

  /**
   * A watchdog device ran out: hw/watchdog/watchdog.c watchdog_perform_action() first sends
   * WATCHDOG{action} (qapi/run-state.json), then:
   *
   * <ul>
   *   <li>reset ("same as 'system_reset' in monitor"):
   *       qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET), so RESET{guest: true, reason:
   *       guest-reset} and the guest boots again, as many as {@link #rebootResets} bounds (on x86
   *       SeaBIOS's hard reboot follows; not on arm64 or riscv64);
   *   <li>shutdown ("same as 'system_powerdown'"): qemu_system_powerdown_request(), so POWERDOWN;
   *       Linux turns the ACPI power button (drivers/acpi/button.c) or the virt machine's GPIO
   *       power key (gpio-keys) into an input event and leaves the power-off to user space, which
   *       the guest's init does not do: the guest runs on;
   *   <li>poweroff ("same as 'quit'"): {@code exit(0)} at once: no SHUTDOWN event, QEMU exits 0;
   *   <li>pause: qemu_system_vmstop_request(RUN_STATE_WATCHDOG): STOP, status watchdog;
   *   <li>debug: "watchdog: timer fired" on stderr, none: nothing; the guest runs on;
   *   <li>inject-nmi: nmi_monitor_handle(), as QMP inject-nmi: what the guest does with the NMI is
   *       the caller's part.
   * </ul>
   *
   * After the action hw/watchdog/wdt_i6300esb.c i6300esb_timer_expired() resets the device
   * (disabled, not free running): it does not fire again.
   */
  public static Reaction onWatchdogExpired(WatchdogAction action, Architecture architecture) {
    WatchdogAction a = action.effective();
    List<ExpectedEvent> events = new ArrayList<>();
    events.add(ExpectedEvent.one("WATCHDOG", java.util.Map.of("action", a.qemuValue())));
    return switch (a) {
      case RESET -> {
        events.add(ExpectedEvent.guestReset(rebootResets(architecture)));
        yield new Reaction(events, Optional.empty());
      }
      case SHUTDOWN -> {
        events.add(ExpectedEvent.one("POWERDOWN", java.util.Map.of()));
        yield new Reaction(events, Optional.empty());
      }
      case POWEROFF -> new Reaction(events, Optional.of(FinalState.exits(0)));
      case PAUSE -> {
        events.add(ExpectedEvent.stop());
        yield new Reaction(events, Optional.of(new FinalState.Status("watchdog", false)));
      }
      case DEBUG, NONE, INJECT_NMI -> new Reaction(events, Optional.empty());
      case DEFAULT -> throw new IllegalStateException("effective() never gives DEFAULT");
    };
  }
}
