package dev.pvpanic.harness.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the scenario does to the guest once it is ready, and everything that follows from it: one
 * type per trigger, in package {@code dev.pvpanic.harness.trigger}, each listed in {@code
 * META-INF/services/dev.pvpanic.harness.oracle.Trigger}. A trigger owns what it needs of the image,
 * the kernel's config and the QEMU build, how the guest is armed for it, what the harness types or
 * sends, the console line that proves the panic is its own, the rule for its typed command's exit
 * line, and its oracle rule with the source it cites.
 *
 * <p>Everything here is declared, never observed: the scenario carries out {@link #arming} and
 * {@link #action}, and the oracle calls {@link #predict}. Adding a trigger is one new file, its
 * test and a line in the services file.
 */
public interface Trigger {

  /** The axis value: {@code sysrq-c}, {@code sysrq-break}, {@code nmi}, {@code poweroff}, ... */
  String id();

  /** How the harness pulls it once the guest is armed. */
  TriggerAction action();

  /**
   * The oracle's rule: what the kernel and QEMU do after {@link #action}, added to {@code p} with
   * the reasons (and sources) that say so.
   */
  void predict(Prediction p);

  /**
   * Whether it panics the kernel with this setup (the sysrq triggers, an NMI, an oops with
   * panic_on_oops always; a watchdog only with {@code -action watchdog=inject-nmi}).
   */
  boolean panics(CellSetup setup);

  /**
   * The text {@code panic()} is given (kernel/panic.c prints "Kernel panic - not syncing: <text>");
   * empty when it does not panic or its panic has no such line.
   */
  Optional<String> panicMessage(CellSetup setup);

  /** Console commands that prepare the kernel for it (a sysctl, a module), run while arming. */
  default List<String> arming(CellSetup setup) {
    return List.of();
  }

  /**
   * QEMU arguments it needs (a device); part of the snapshot's machine, so every cell with this
   * trigger shares one snapshot.
   */
  default List<String> qemuArgs() {
    return List.of();
  }

  /** The trigger modules the image must bring (its manifest's {@code triggerModules}). */
  default List<String> modules() {
    return List.of();
  }

  /**
   * The console line that shows a panic came from this trigger, not from another that happened to
   * produce the same events; empty when it has none or when the line cannot show ({@code
   * panicFlushes}: whether panic() gets to flush the consoles: the guest keeps running and no
   * capture kernel takes over).
   */
  default Optional<Pattern> signature(boolean panicFlushes) {
    return Optional.empty();
  }

  /**
   * Why {@code status}, the exit status of its command typed on the shell ({@link
   * TriggerAction.Typed}), shows that the command did not do its part; empty if it did. The
   * default: the kernel was to panic inside the command, so any status is a failure.
   */
  default Optional<String> exitFailure(int status) {
    return Optional.of(
        "the trigger command returned (exit " + status + "): the kernel was to panic inside it");
  }

  /** Why this trigger cannot run with QEMU {@code qemu} in this setup, one reason per rule. */
  default List<String> cannotRun(CellSetup setup, QemuCapabilities qemu) {
    return List.of();
  }

  /** What the kernel's own config lacks for this trigger, one reason per option. */
  default List<String> cannotRun(CellSetup setup, KernelConfig config) {
    return List.of();
  }

  /**
   * Why the cell contradicts itself with this trigger (something the harness would arm or the
   * oracle would have to ignore). The default refuses a watchdog action, which only the watchdog
   * trigger performs.
   */
  default Optional<String> contradiction(boolean kdump, WatchdogAction watchdogAction) {
    return watchdogAction == WatchdogAction.DEFAULT
        ? Optional.empty()
        : Optional.of(
            "watchdog: "
                + watchdogAction.qemuValue()
                + " needs trigger: watchdog (only that trigger arms the i6300esb whose expiry"
                + " performs the action)");
  }

  /** Every trigger on the class path, in the services file's order. */
  static List<Trigger> all() {
    return Registry.ALL;
  }

  /** The axis values, in order. */
  static List<String> ids() {
    return all().stream().map(Trigger::id).toList();
  }

  /**
   * The trigger with this axis value.
   *
   * @throws IllegalArgumentException naming the valid ones when there is none
   */
  static Trigger of(String id) {
    for (Trigger t : all()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "no trigger '" + id + "'; valid: " + String.join(", ", ids()));
  }

  /** The triggers, loaded once. */
  final class Registry {
    private static final List<Trigger> ALL = load();

    private Registry() {}

    private static List<Trigger> load() {
      List<Trigger> found = new ArrayList<>();
      ServiceLoader.load(Trigger.class, Trigger.class.getClassLoader()).forEach(found::add);
      if (found.isEmpty()) {
        throw new IllegalStateException(
            "no trigger found: META-INF/services/" + Trigger.class.getName() + " is missing");
      }
      String dup =
          found.stream()
              .collect(Collectors.groupingBy(Trigger::id, Collectors.counting()))
              .entrySet()
              .stream()
              .filter(e -> e.getValue() > 1)
              .map(java.util.Map.Entry::getKey)
              .collect(Collectors.joining(", "));
      if (!dup.isEmpty()) {
        throw new IllegalStateException("two triggers with the id " + dup);
      }
      return List.copyOf(found);
    }
  }
}
