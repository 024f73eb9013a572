package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.machine.QemuActions;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.PanicAction;
import dev.pvpanic.harness.oracle.PostNotifiers;
import dev.pvpanic.harness.oracle.ShutdownAction;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.oracle.WatchdogAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One matrix cell: a value for every {@link Axis}, plus a name when the config named it, the
 * regression it injects when it is one of the regression suite's, and why it may take {@code
 * qemu_args} that undo QEMU's confinement ({@code unconfined:}, a named cell's own setting, which
 * its record and the report show). Values are normalised strings (what the YAML says); the typed
 * views below turn them into what the machine and the oracle take.
 */
public record Cell(
    Optional<String> name,
    Map<Axis, String> values,
    Optional<InjectedRegression> regression,
    Optional<String> unconfined) {

  /** A cell that injects nothing. */
  public Cell(Optional<String> name, Map<Axis, String> values) {
    this(name, values, Optional.empty(), Optional.empty());
  }

  /** A cell that may inject a regression, confined as usual. */
  public Cell(
      Optional<String> name, Map<Axis, String> values, Optional<InjectedRegression> regression) {
    this(name, values, regression, Optional.empty());
  }

  public Cell {
    java.util.Objects.requireNonNull(regression, "regression");
    java.util.Objects.requireNonNull(unconfined, "unconfined");
    EnumMap<Axis, String> all = new EnumMap<>(Axis.class);
    for (Axis a : Axis.values()) {
      all.put(a, values.getOrDefault(a, a.defaultValue()));
    }
    values = Collections.unmodifiableMap(all);
  }

  /**
   * The cell a record's parameters describe (what {@link #parameters} wrote, e.g. into cell.json),
   * named {@code name}; every value is normalised and checked as a guest config's would be.
   *
   * @throws GuestConfigException naming {@code where}, when a key is no axis or the recipe is
   *     missing
   */
  public static Cell ofParameters(
      Optional<String> name, Map<String, String> parameters, String where) {
    EnumMap<Axis, String> values = new EnumMap<>(Axis.class);
    List<String> unknown = new ArrayList<>();
    parameters.forEach(
        (k, v) ->
            Axis.byKey(k)
                .ifPresentOrElse(a -> values.put(a, a.normalise(v, where)), () -> unknown.add(k)));
    if (!values.containsKey(Axis.RECIPE) || !unknown.isEmpty()) {
      throw new GuestConfigException(
          where + ": parameters lack a recipe or name unknown axes " + unknown);
    }
    return new Cell(name, values);
  }

  public String get(Axis axis) {
    return values.get(axis);
  }

  public String recipe() {
    return get(Axis.RECIPE);
  }

  public boolean kdump() {
    return get(Axis.KDUMP).equals("yes");
  }

  public PostNotifiers postNotifiers() {
    return PostNotifiers.valueOf(get(Axis.POST_NOTIFIERS).toUpperCase(Locale.ROOT));
  }

  public PvpanicDevice.Kind deviceKind() {
    return PvpanicDevice.Kind.parse(get(Axis.DEVICE));
  }

  public OptionalInt events() {
    String e = get(Axis.EVENTS);
    return e.equals("default") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(e));
  }

  /** The device for QEMU's command line. */
  public PvpanicDevice device() {
    return new PvpanicDevice(deviceKind(), events());
  }

  public QemuActions actions() {
    String p = get(Axis.PANIC);
    String s = get(Axis.SHUTDOWN);
    QemuActions actions =
        QemuActions.of(p.equals("default") ? null : p, s.equals("default") ? null : s);
    return watchdogAction() == WatchdogAction.DEFAULT
        ? actions
        : actions.withWatchdog(watchdogAction().qemuValue());
  }

  /** QEMU's {@code -action watchdog=} for the watchdog trigger. */
  public WatchdogAction watchdogAction() {
    return WatchdogAction.of(get(Axis.WATCHDOG));
  }

  public Trigger trigger() {
    return Trigger.of(get(Axis.TRIGGER));
  }

  /** Whether the VM is reset and resumed after the verdict (system_reset, cont, READY again). */
  public boolean recovers() {
    return get(Axis.AFTER).equals("recover");
  }

  /** Whether the VM's registers and memory are dumped and checked after the verdict. */
  public boolean dumps() {
    return get(Axis.AFTER).equals("dump");
  }

  /** What runs above the kernel. */
  public dev.pvpanic.harness.image.Userland userland() {
    return dev.pvpanic.harness.image.Userland.parse(get(Axis.USERLAND));
  }

  public boolean acpiOff() {
    return get(Axis.ACPI).equals("off");
  }

  /** The accelerator the cell names; empty when it names none (the run's decides). */
  public Optional<Accelerator> declaredAccelerator() {
    String a = get(Axis.ACCELERATOR);
    return a.equals("default") ? Optional.empty() : Optional.of(Accelerator.parse(a));
  }

  /** The accelerator the cell runs under: its own, else {@code undeclared} (the run's). */
  public Accelerator accelerator(Accelerator undeclared) {
    return declaredAccelerator().orElse(undeclared);
  }

  public Optional<String> machineType() {
    String m = get(Axis.MACHINE_TYPE);
    return m.equals("default") ? Optional.empty() : Optional.of(m);
  }

  public String qemu() {
    return get(Axis.QEMU);
  }

  /** Kernel parameters the cell appends to the recipe's command line; empty for none. */
  public String kernelArgs() {
    return get(Axis.KERNEL_ARGS);
  }

  /** QEMU arguments the cell appends; the oracle never reads them. */
  public List<String> qemuArgs() {
    String a = get(Axis.QEMU_ARGS);
    return a.isBlank() ? List.of() : List.of(a.strip().split("\\s+"));
  }

  /** What the oracle needs to know about the setup. */
  public CellSetup setup(Architecture arch) {
    return new CellSetup(
        kdump(),
        postNotifiers(),
        deviceKind(),
        events().isPresent() ? Optional.of(events().getAsInt()) : Optional.empty(),
        PanicAction.valueOf(enumName(get(Axis.PANIC))),
        ShutdownAction.valueOf(enumName(get(Axis.SHUTDOWN))),
        trigger(),
        acpiOff(),
        arch,
        machineType(),
        watchdogAction());
  }

  private static String enumName(String v) {
    return v.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The cell's one identity, from which every name of it in every report is derived. */
  public CellIdentity identity() {
    return CellIdentity.of(this);
  }

  /**
   * A stable id from every value, used for artifact folders, sharding and report history: the same
   * cell always gets the same id (see {@link CellIdentity#id}).
   */
  public String id() {
    return identity().id();
  }

  /**
   * Why this cell contradicts itself, if it does: something the harness would arm or the oracle
   * would have to ignore. Refused before anything runs, the same way on every path.
   */
  public Optional<String> contradiction() {
    if (!kdump() && postNotifiers() != PostNotifiers.OFF) {
      return Optional.of(
          "post_notifiers: "
              + get(Axis.POST_NOTIFIERS)
              + " needs kdump: yes (crash_kexec_post_notifiers only orders the notifiers before a"
              + " crash kernel; valid with kdump: no is post_notifiers: off)");
    }
    Optional<String> triggers = trigger().contradiction(kdump(), watchdogAction());
    if (triggers.isPresent()) {
      return triggers;
    }
    Optional<String> family =
        machineType()
            .filter(m -> new dev.pvpanic.harness.oracle.MachineType(m).architectures().isEmpty())
            .map(
                m ->
                    "machine_type: '"
                        + m
                        + "' is no machine type the harness knows (valid: pc, pc-i440fx-X.Y, q35,"
                        + " pc-q35-X.Y, microvm on x86_64; virt, virt-X.Y on aarch64 and riscv64)");
    return family;
  }

  /**
   * Why this cell is refused before anything runs: it contradicts itself ({@link
   * #contradiction()}), its {@code qemu_args} take what the harness owns ({@link QemuArguments},
   * never allowed), or they would undo how QEMU is confined ({@link
   * dev.pvpanic.harness.machine.UnconfiningArgs}) and the user did not say they mean it.
   */
  public Optional<String> refusal(boolean allowUnconfined) {
    return contradiction()
        .or(() -> QemuArguments.problem(qemuArgs()))
        .or(
            () ->
                allowUnconfined || unconfined.isPresent()
                    ? Optional.empty()
                    : dev.pvpanic.harness.machine.UnconfiningArgs.find(qemuArgs())
                        .map(
                            why ->
                                why
                                    + (name.isPresent()
                                        ? "; or say why in the cell: unconfined: \"<reason>\""
                                        : "")));
  }

  /**
   * What this cell's {@code qemu_args} undo of QEMU's confinement and why it was taken (the cell's
   * {@code unconfined:} reason, else the run's {@code pvh.allow-unconfined}); empty when nothing.
   */
  public Optional<String> unconfinedBy() {
    return dev.pvpanic.harness.machine.UnconfiningArgs.find(qemuArgs())
        .map(
            what ->
                "the cell's qemu_args undo QEMU's confinement ("
                    + what
                    + "), taken because "
                    + unconfined
                        .map(r -> "the cell says: " + r)
                        .orElse("pvh.allow-unconfined is set"));
  }

  /** A short name a person reads in a test tree: only what differs from the defaults. */
  public String displayName() {
    return identity().displayName();
  }

  /** Every axis value by key, in axis order: the stable parameters reports show. */
  public Map<String, String> parameters() {
    Map<String, String> p = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          // extra arguments only when given: the other parameters are reports' history ids
          boolean extra = k == Axis.KERNEL_ARGS || k == Axis.QEMU_ARGS;
          boolean unset = (k == Axis.WATCHDOG || k == Axis.ACCELERATOR) && v.equals("default");
          if ((!extra || !v.isEmpty()) && !unset) {
            p.put(k.key(), v);
          }
        });
    return p;
  }

  @Override
  public String toString() {
    return displayName();
  }
}
