package dev.pvpanic.harness.oracle;

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
 */
public record CellSetup(
    boolean kdumpLoaded,
    PostNotifiers postNotifiers,
    PvpanicDevice device,
    Optional<Integer> deviceEvents,
    PanicAction panicAction,
    ShutdownAction shutdownAction,
    Trigger trigger,
    boolean acpiOff,
    Architecture architecture,
    Optional<String> machineType) {

  public CellSetup {
    Objects.requireNonNull(postNotifiers, "postNotifiers");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(deviceEvents, "deviceEvents");
    Objects.requireNonNull(panicAction, "panicAction");
    Objects.requireNonNull(shutdownAction, "shutdownAction");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(machineType, "machineType");
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
  public static CellSetup panic(Architecture architecture, PvpanicDevice device) {
    return new CellSetup(
        false,
        PostNotifiers.OFF,
        device,
        Optional.empty(),
        PanicAction.DEFAULT,
        ShutdownAction.DEFAULT,
        Trigger.SYSRQ_C,
        false,
        architecture,
        Optional.empty());
  }

  public CellSetup withKdump(boolean loaded, PostNotifiers notifiers) {
    return new CellSetup(
        loaded,
        notifiers,
        device,
        deviceEvents,
        panicAction,
        shutdownAction,
        trigger,
        acpiOff,
        architecture,
        machineType);
  }

  public CellSetup withDevice(PvpanicDevice newDevice, Optional<Integer> events) {
    return new CellSetup(
        kdumpLoaded,
        postNotifiers,
        newDevice,
        events,
        panicAction,
        shutdownAction,
        trigger,
        acpiOff,
        architecture,
        machineType);
  }

  public CellSetup withActions(PanicAction panic, ShutdownAction shutdown) {
    return new CellSetup(
        kdumpLoaded,
        postNotifiers,
        device,
        deviceEvents,
        panic,
        shutdown,
        trigger,
        acpiOff,
        architecture,
        machineType);
  }

  public CellSetup withTrigger(Trigger newTrigger) {
    return new CellSetup(
        kdumpLoaded,
        postNotifiers,
        device,
        deviceEvents,
        panicAction,
        shutdownAction,
        newTrigger,
        acpiOff,
        architecture,
        machineType);
  }

  public CellSetup withAcpiOff(boolean off) {
    return new CellSetup(
        kdumpLoaded,
        postNotifiers,
        device,
        deviceEvents,
        panicAction,
        shutdownAction,
        trigger,
        off,
        architecture,
        machineType);
  }

  public CellSetup withMachineType(String type) {
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
        Optional.of(type));
  }
}
