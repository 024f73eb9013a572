package dev.pvpanic.harness.oracle;

import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.qmp.QemuIntrospection;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a QEMU build can do with pvpanic and run states. {@link #from(QemuIntrospection)} reads it
 * from the build itself (its QMP schema, the pvpanic devices' properties, its machine types) and
 * keeps version rules only for what introspection cannot tell; {@link #of(QemuVersion)} is the
 * version rules alone, for a build that could not be asked.
 *
 * @param actionOption {@code -action} and {@code set-action} exist (6.0, qapi/run-state.json)
 * @param singlePanicEvent one GUEST_PANICKED per panic, chosen by {@code -action panic=} (6.0,
 *     system/runstate.c qemu_system_guest_panicked); before, GUEST_PANICKED{pause} and, unless
 *     {@code -no-shutdown}, GUEST_PANICKED{poweroff}. A version rule: the schema cannot show it.
 * @param exitFailure {@code -action panic=exit-failure} (7.1)
 * @param pvpanicPci the {@code pvpanic-pci} device (6.0, hw/misc/pvpanic-pci.c)
 * @param crashLoadedEvent bit 1 handled: GUEST_CRASHLOADED (5.0, "Since: 5.0" in
 *     qapi/run-state.json)
 * @param isaEventsProperty the ISA device has an {@code events} property and advertises
 *     CRASH_LOADED (5.2, "pvpanic: Advertise the PVPANIC_CRASHLOADED event support"; before, its
 *     register read back 1)
 * @param pvShutdown bit 2 handled and advertised by default: GUEST_PVSHUTDOWN (9.1)
 * @param eventReasons RESET and SHUTDOWN carry {@code reason} (4.0, qapi/run-state.json)
 * @param isaEventsDefault the ISA device's {@code events} default as the build reports it
 * @param pciEventsDefault the PCI device's {@code events} default as the build reports it
 * @param machineTypes the machine types the build has, when it was asked
 * @param i6300esb the {@code i6300esb} watchdog device (hw/watchdog/wdt_i6300esb.c)
 * @param watchdogActions the {@code -action watchdog=} values the build takes (qapi/run-state.json
 *     WatchdogAction, through {@code set-action}, 6.0); empty without {@code -action}
 * @param notes where the capabilities came from, and where introspection and the version rules
 *     disagree
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
    boolean eventReasons,
    OptionalInt isaEventsDefault,
    OptionalInt pciEventsDefault,
    Optional<Set<String>> machineTypes,
    boolean i6300esb,
    Set<String> watchdogActions,
    List<String> notes) {

  public QemuCapabilities {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(isaEventsDefault, "isaEventsDefault");
    Objects.requireNonNull(pciEventsDefault, "pciEventsDefault");
    machineTypes = machineTypes.map(Set::copyOf);
    watchdogActions = Set.copyOf(watchdogActions);
    notes = List.copyOf(notes);
  }

  /** qapi/run-state.json WatchdogAction ("inject-nmi" since 2.4). */
  static final Set<String> WATCHDOG_ACTIONS =
      Set.of("reset", "shutdown", "poweroff", "pause", "debug", "none", "inject-nmi");

  /** The capabilities of upstream QEMU {@code version}, by version rules alone. */
  public static QemuCapabilities of(QemuVersion version) {
    int events = version.atLeast(9, 1) ? 0x7 : 0x3;
    return new QemuCapabilities(
        version,
        version.atLeast(6, 0),
        version.atLeast(6, 0),
        version.atLeast(7, 1),
        version.atLeast(6, 0),
        version.atLeast(5, 0),
        version.atLeast(5, 2),
        version.atLeast(9, 1),
        version.atLeast(4, 0),
        version.atLeast(5, 2) ? OptionalInt.of(events) : OptionalInt.of(1),
        version.atLeast(6, 0) ? OptionalInt.of(events) : OptionalInt.empty(),
        Optional.empty(),
        true,
        version.atLeast(6, 0) ? WATCHDOG_ACTIONS : Set.of(),
        List.of("QEMU " + version + ": capabilities from version rules (the build was not asked)"));
  }

  /** The same capabilities with {@code note} added to where they came from. */
  public QemuCapabilities withNote(String note) {
    List<String> all = new java.util.ArrayList<>(notes);
    all.add(note);
    return new QemuCapabilities(
        version,
        actionOption,
        singlePanicEvent,
        exitFailure,
        pvpanicPci,
        crashLoadedEvent,
        isaEventsProperty,
        pvShutdown,
        eventReasons,
        isaEventsDefault,
        pciEventsDefault,
        machineTypes,
        i6300esb,
        watchdogActions,
        all);
  }

  /**
   * The capabilities a build reports about itself. Version rules fill in only what the schema
   * cannot show (one GUEST_PANICKED per panic; machine-type compat properties); every place where
   * introspection and the version rules disagree is noted, and introspection wins.
   */
  public static QemuCapabilities from(QemuIntrospection i) {
    QemuCapabilities rules = of(i.version());
    List<String> notes = new ArrayList<>();
    notes.add(
        "QEMU "
            + i.version()
            + ": capabilities from the build's QMP schema, device properties and machine types"
            + (i.version().development()
                ? " (a development build: it counts as "
                    + i.version().release()
                    + " for version rules)"
                : ""));
    boolean actionOption = i.commands().contains("set-action");
    boolean exitFailure = i.panicActions().contains("exit-failure");
    boolean pci = i.hasDevice("pvpanic-pci");
    boolean crashLoaded = i.events().contains("GUEST_CRASHLOADED");
    boolean isaEvents = i.eventsProperty().contains("pvpanic");
    boolean pvShutdown = i.events().contains("GUEST_PVSHUTDOWN");
    boolean reasons = i.resetHasReason();
    compare(notes, "set-action / -action", actionOption, rules.actionOption);
    compare(notes, "panic=exit-failure", exitFailure, rules.exitFailure);
    compare(notes, "the pvpanic-pci device", pci, rules.pvpanicPci);
    compare(notes, "GUEST_CRASHLOADED", crashLoaded, rules.crashLoadedEvent);
    // The ISA device exists only in the x86 emulators (hw/misc/pvpanic-isa.c): an arm or riscv
    // build without it says nothing about the version rules of its events property.
    boolean isa = i.hasDevice("pvpanic");
    if (isa) {
      compare(notes, "the ISA device's events property", isaEvents, rules.isaEventsProperty);
    }
    compare(notes, "GUEST_PVSHUTDOWN", pvShutdown, rules.pvShutdown);
    compare(notes, "RESET/SHUTDOWN reason", reasons, rules.eventReasons);
    OptionalInt isaDefault =
        isaEvents ? orRule(i.eventsDefault("pvpanic"), rules.isaEventsDefault) : OptionalInt.of(1);
    OptionalInt pciDefault =
        pci ? orRule(i.eventsDefault("pvpanic-pci"), rules.pciEventsDefault) : OptionalInt.empty();
    if (isa) {
      compareDefault(notes, "pvpanic", isaDefault, rules.isaEventsDefault);
    }
    compareDefault(notes, "pvpanic-pci", pciDefault, rules.pciEventsDefault);
    return new QemuCapabilities(
        i.version(),
        actionOption,
        rules.singlePanicEvent,
        exitFailure,
        pci,
        crashLoaded,
        isaEvents,
        pvShutdown,
        reasons,
        isaDefault,
        pciDefault,
        i.machineTypes().isEmpty() ? Optional.empty() : Optional.of(i.machineTypes()),
        i.hasDevice("i6300esb"),
        i.watchdogActions(),
        notes);
  }

  private static OptionalInt orRule(OptionalInt reported, OptionalInt rule) {
    return reported.isPresent() ? reported : rule;
  }

  private static void compare(List<String> notes, String what, boolean reported, boolean rule) {
    if (reported != rule) {
      notes.add(
          "note: the build "
              + (reported ? "has " : "lacks ")
              + what
              + ", but the version rules say it "
              + (rule ? "should have it" : "should not")
              + "; going by the build");
    }
  }

  private static void compareDefault(
      List<String> notes, String device, OptionalInt reported, OptionalInt rule) {
    if (reported.isPresent() && rule.isPresent() && reported.getAsInt() != rule.getAsInt()) {
      notes.add(
          "note: the build's "
              + device
              + " events default is "
              + PvpanicEvent.describe(reported.getAsInt())
              + ", but the version rules say "
              + PvpanicEvent.describe(rule.getAsInt())
              + "; going by the build");
    }
  }

  /**
   * What the device's register reads back (hw/misc/pvpanic.c pvpanic_read() returns the {@code
   * events} property). Its default is what the build reports (PVPANIC_EVENTS: 0x3 until 9.1, 0x7
   * from 9.1, include/hw/misc/pvpanic.h). hw_compat_5_1 forces {@code pvpanic.events=1} for machine
   * types 5.1 and older: only the ISA device is named "pvpanic", so only it is affected. Before 5.2
   * the ISA register read back PANICKED only.
   *
   * @return the advertised mask, or 0 when there is no device
   */
  public int advertisedEvents(
      PvpanicDevice.Kind device,
      Optional<Integer> eventsProperty,
      Optional<MachineType> machineType) {
    if (device == PvpanicDevice.Kind.NONE) {
      return 0;
    }
    if (eventsProperty.isPresent()) {
      return eventsProperty.get();
    }
    if (device == PvpanicDevice.Kind.ISA) {
      if (!isaEventsProperty) {
        return PvpanicEvent.PANICKED.bit();
      }
      if (machineType.map(m -> m.atMost(5, 1)).orElse(false)) {
        return PvpanicEvent.PANICKED.bit();
      }
      return isaEventsDefault.orElse(pvShutdown ? 0x7 : 0x3);
    }
    return pciEventsDefault.orElse(pvShutdown ? 0x7 : 0x3);
  }

  /** Whether the build has machine type {@code name}; empty when it was not asked. */
  public Optional<Boolean> hasMachineType(String name) {
    return machineTypes.map(types -> types.contains(name));
  }
}
