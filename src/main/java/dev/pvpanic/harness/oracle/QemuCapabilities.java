package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.qmp.QemuVersion;
import java.util.Objects;
import java.util.Optional;

/**
 * What a QEMU build can do with pvpanic and run states. {@link #of(QemuVersion)} derives it from
 * the upstream release a build reports; the canonical constructor lets a caller describe a build
 * with backports.
 *
 * @param actionOption {@code -action} and {@code set-action} exist (6.0, qapi/run-state.json)
 * @param singlePanicEvent one GUEST_PANICKED per panic, chosen by {@code -action panic=} (6.0,
 *     system/runstate.c qemu_system_guest_panicked); before, GUEST_PANICKED{pause} and, unless
 *     {@code -no-shutdown}, GUEST_PANICKED{poweroff}
 * @param exitFailure {@code -action panic=exit-failure} (7.1)
 * @param pvpanicPci the {@code pvpanic-pci} device (6.0, hw/misc/pvpanic-pci.c)
 * @param crashLoadedEvent bit 1 handled: GUEST_CRASHLOADED (5.0, "Since: 5.0" in
 *     qapi/run-state.json)
 * @param isaEventsProperty the ISA device has an {@code events} property and advertises
 *     CRASH_LOADED (5.2, "pvpanic: Advertise the PVPANIC_CRASHLOADED event support"; before, its
 *     register read back 1)
 * @param pvShutdown bit 2 handled and advertised by default: GUEST_PVSHUTDOWN (9.1)
 * @param eventReasons RESET and SHUTDOWN carry {@code reason} (4.0, qapi/run-state.json)
 */
public record QemuCapabilities(
    QemuVersion version,
    boolean actionOption,
    boolean singlePanicEvent,
    boolean exitFailure,
    boolean pvpanicPci,
    boolean crashLoadedEvent,
    boolean isaEventsProperty,
    boolean pvShutdown,
    boolean eventReasons) {

  public QemuCapabilities {
    Objects.requireNonNull(version, "version");
  }

  /** The capabilities of upstream QEMU {@code version}. */
  public static QemuCapabilities of(QemuVersion version) {
    return new QemuCapabilities(
        version,
        version.atLeast(6, 0),
        version.atLeast(6, 0),
        version.atLeast(7, 1),
        version.atLeast(6, 0),
        version.atLeast(5, 0),
        version.atLeast(5, 2),
        version.atLeast(9, 1),
        version.atLeast(4, 0));
  }

  /**
   * The pvpanic bits this QEMU handles when the guest writes them (hw/misc/pvpanic.c
   * handle_event(); bits it does not know are logged as "pvpanic: unknown event" and dropped).
   */
  public int handledEvents() {
    int events = PvpanicEvent.PANICKED.bit();
    if (crashLoadedEvent) {
      events |= PvpanicEvent.CRASH_LOADED.bit();
    }
    if (pvShutdown) {
      events |= PvpanicEvent.SHUTDOWN.bit();
    }
    return events;
  }

  /**
   * What the device's register reads back, i.e. the capability a Linux 5.12+ driver sees
   * (hw/misc/pvpanic.c pvpanic_read() returns the {@code events} property). Its default is
   * PVPANIC_EVENTS: 0x3 until 9.1, 0x7 from 9.1 (include/hw/misc/pvpanic.h). hw_compat_5_1 forces
   * {@code pvpanic.events=1} for machine types 5.1 and older: only the ISA device is named
   * "pvpanic", so only it is affected. Before 5.2 the ISA register read back PANICKED only.
   *
   * @return the advertised mask, or 0 when there is no device
   */
  public int advertisedEvents(
      PvpanicDevice device, Optional<Integer> eventsProperty, Optional<MachineType> machineType) {
    if (device == PvpanicDevice.NONE) {
      return 0;
    }
    if (eventsProperty.isPresent()) {
      return eventsProperty.get();
    }
    if (device == PvpanicDevice.ISA) {
      if (!isaEventsProperty) {
        return PvpanicEvent.PANICKED.bit();
      }
      if (machineType.map(m -> m.atMost(5, 1)).orElse(false)) {
        return PvpanicEvent.PANICKED.bit();
      }
    }
    return pvShutdown ? 0x7 : 0x3;
  }
}
