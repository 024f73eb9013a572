package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.Objects;
import java.util.Optional;

/**
 * How one matrix cell is set up: what the harness controls, before the guest has said anything.
 *
 * <p>{@code kdumpLoaded} and {@code postNotifiers} are what the scenario arms before the trigger;
 * the guest's READY line is printed before that and so does not show them.
 *
 * @param deviceEvents the {@code events=} property of the pvpanic device, when given
 * @param machineType the {@code -machine} type when a versioned one is asked for (e.g. {@code
 *     pc-q35-5.1}); empty means the default of that QEMU build
 * @param watchdogAction QEMU's {@code -action watchdog=} for the watchdog trigger
 */
public record CellSetup(
    boolean kdumpLoaded,
    PostNotifiers postNotifiers,
    PvpanicDevice.Kind device,
    Optional<Integer> deviceEvents,
    PanicAction panicAction,
    ShutdownAction shutdownAction,
    Trigger trigger,
    boolean acpiOff,
    Architecture architecture,
    Optional<String> machineType,
    WatchdogAction watchdogAction) {

  public CellSetup {
    Objects.requireNonNull(postNotifiers, "postNotifiers");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(deviceEvents, "deviceEvents");
    Objects.requireNonNull(panicAction, "panicAction");
    Objects.requireNonNull(shutdownAction, "shutdownAction");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(machineType, "machineType");
    Objects.requireNonNull(watchdogAction, "watchdogAction");
    deviceEvents.ifPresent(
        events -> {
          if (events < 0 || events > 0xff) {
            throw new IllegalArgumentException(
                "pvpanic events=" + events + " is not a byte (expected 0 to 255, e.g. 1, 3, 7)");
          }
        });
  }

  /**
   * A panic cell with nothing special: no kdump, notifiers off, the given device, QEMU's default
   * actions, ACPI on, default machine type.
   */
  public static CellSetup panic(Architecture architecture, PvpanicDevice.Kind device) {
    return new CellSetup(
        false,
        PostNotifiers.OFF,
        device,
        Optional.empty(),
        PanicAction.DEFAULT,
        ShutdownAction.DEFAULT,
        Trigger.of("sysrq-c"),
        false,
        architecture,
        Optional.empty(),
        WatchdogAction.DEFAULT);
  }

  /** Whether the trigger panics the kernel with this setup. */
  public boolean panics() {
    return trigger.panics(this);
  }

  public CellSetup withKdump(boolean loaded, PostNotifiers notifiers) {
    Copy b = new Copy(this);
    b.kdumpLoaded = loaded;
    b.postNotifiers = notifiers;
    return b.build();
  }

  public CellSetup withDevice(PvpanicDevice.Kind newDevice, Optional<Integer> events) {
    Copy b = new Copy(this);
    b.device = newDevice;
    b.deviceEvents = events;
    return b.build();
  }

  public CellSetup withActions(PanicAction panic, ShutdownAction shutdown) {
    Copy b = new Copy(this);
    b.panicAction = panic;
    b.shutdownAction = shutdown;
    return b.build();
  }

  public CellSetup withTrigger(Trigger newTrigger) {
    Copy b = new Copy(this);
    b.trigger = newTrigger;
    return b.build();
  }

  public CellSetup withWatchdog(WatchdogAction action) {
    Copy b = new Copy(this);
    b.watchdogAction = action;
    return b.build();
  }

  public CellSetup withAcpiOff(boolean off) {
    Copy b = new Copy(this);
    b.acpiOff = off;
    return b.build();
  }

  public CellSetup withMachineType(String type) {
    Copy b = new Copy(this);
    b.machineType = Optional.of(type);
    return b.build();
  }

  /** A mutable copy, so each {@code with} method names only what it changes. */
  private static final class Copy {
    boolean kdumpLoaded;
    PostNotifiers postNotifiers;
    PvpanicDevice.Kind device;
    Optional<Integer> deviceEvents;
    PanicAction panicAction;
    ShutdownAction shutdownAction;
    Trigger trigger;
    boolean acpiOff;
    Architecture architecture;
    Optional<String> machineType;
    WatchdogAction watchdogAction;

    Copy(CellSetup o) {
      kdumpLoaded = o.kdumpLoaded;
      postNotifiers = o.postNotifiers;
      device = o.device;
      deviceEvents = o.deviceEvents;
      panicAction = o.panicAction;
      shutdownAction = o.shutdownAction;
      trigger = o.trigger;
      acpiOff = o.acpiOff;
      architecture = o.architecture;
      machineType = o.machineType;
      watchdogAction = o.watchdogAction;
    }

    CellSetup build() {
      return new CellSetup(
          kdumpLoaded,
          postNotifiers,
          device,
          deviceEvents,
          panicAction,
          shutdownAction,
          trigger,
          acpiOff,
          architecture,
          machineType,
          watchdogAction);
    }
  }
}
