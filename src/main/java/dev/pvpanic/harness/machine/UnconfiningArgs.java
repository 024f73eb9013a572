package dev.pvpanic.harness.machine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Extra QEMU arguments (a cell's {@code qemu_args}) that would undo how the harness confines QEMU
 * ({@link QemuConfinement}) or open a way out of the guest other than the devices the cell names:
 * found before anything boots, and refused unless the user says they mean it ({@code
 * pvh.allow-unconfined}).
 *
 * <ul>
 *   <li>{@code -sandbox}, {@code -runas}, {@code -run-with}: the harness sets them itself; another
 *       would replace or loosen them;
 *   <li>{@code -netdev}, {@code -nic}, {@code -net}: a network for the guest (it has none: {@code
 *       -nodefaults});
 *   <li>{@code -virtfs}, {@code -fsdev}: a host folder shared with the guest;
 *   <li>{@code -chardev}, {@code -parallel} and {@code -debugcon} with a host backend: a file,
 *       socket, pipe, terminal or network endpoint QEMU opens while still root. The harness's own
 *       QMP and console sockets live in the machine's private run folder, whose name is made at
 *       launch, so any path a user can write is outside it;
 *   <li>{@code -D}: a log file QEMU opens on the host while still root;
 *   <li>{@code -readconfig}: a file of option sections (chardevs, netdevs) that none of these
 *       checks read;
 *   <li>{@code -daemonize}: QEMU would leave the harness's process tree and its tether.
 * </ul>
 *
 * <p>Disks, firmware and memory backends ({@code -drive}, {@code -bios}, {@code -object
 * memory-backend-file}) are inputs a cell may legitimately bring and are not judged here.
 */
public final class UnconfiningArgs {
  /** Chardev backends that touch nothing outside QEMU (stdio is QEMU's own output file). */
  private static final Set<String> CONTAINED_BACKENDS =
      Set.of("null", "ringbuf", "memory", "stdio");

  /** Legacy chardev shorthands (-parallel VALUE, ...) that touch nothing outside QEMU. */
  private static final Set<String> CONTAINED_SHORTHANDS =
      Set.of("none", "null", "stdio", "mon:stdio");

  private UnconfiningArgs() {}

  /**
   * The first argument of {@code args} that undoes the confinement: it, why, and what would be
   * valid; empty when none does.
   */
  public static Optional<String> find(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String option = normalise(args.get(i));
      String value = i + 1 < args.size() ? args.get(i + 1) : "";
      Optional<String> why = why(option, value);
      if (why.isPresent()) {
        return Optional.of(
            "qemu_args '"
                + args.get(i)
                + (takesValue(option) && !value.isEmpty() ? " " + value : "")
                + "' "
                + why.get()
                + " (pvh.allow-unconfined=true / --allow-unconfined takes it anyway)");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> why(String option, String value) {
    return switch (option) {
      case "-sandbox", "-runas", "-run-with" ->
          Optional.of(
              "would replace how the harness confines QEMU (it sets -sandbox "
                  + QemuConfinement.SANDBOX
                  + " and, as root, -runas or -run-with user= itself); valid: leave it out");
      case "-netdev", "-nic", "-net" ->
          Optional.of(
              "would give the guest a network, a way out the cell does not name; valid: no"
                  + " network (the guest has none)");
      case "-virtfs", "-fsdev" ->
          Optional.of(
              "would share a host folder with the guest; valid: put files into the image"
                  + " (images/recipes) instead");
      case "-D" ->
          Optional.of(
              "writes a log file on the host while QEMU is still root; valid: leave it out (-d"
                  + " without -D logs to QEMU's stderr, which the cell records)");
      case "-readconfig" ->
          Optional.of(
              "reads option sections (chardevs, netdevs) from a file these checks do not read;"
                  + " valid: give the options as qemu_args");
      case "-set" ->
          Optional.of(
              "changes an option group after these checks read it (e.g. the harness's console"
                  + " chardev's path); valid: give the option whole in qemu_args");
      case "-trace" ->
          value.toLowerCase(Locale.ROOT).contains("file=")
              ? Optional.of(
                  "writes a trace file on the host while QEMU is still root; valid: -trace"
                      + " events without file= (the trace goes to QEMU's stderr, which the cell"
                      + " records)")
              : Optional.empty();
      case "-object" -> hostObject(value);
      case "-daemonize" ->
          Optional.of(
              "would detach QEMU from the harness, which must see it exit; valid: leave it out");
      case "-chardev" -> {
        String backend = value.split(",", 2)[0].toLowerCase(Locale.ROOT);
        yield CONTAINED_BACKENDS.contains(backend)
            ? Optional.empty()
            : Optional.of(
                "opens a host "
                    + (backend.isEmpty() ? "endpoint" : "'" + backend + "'")
                    + " outside the machine's private run folder (its name is made at launch, so"
                    + " no path given here is inside it); valid backends: "
                    + String.join(", ", CONTAINED_BACKENDS.stream().sorted().toList()));
      }
      // -serial, -monitor and -qmp are the harness's outright (QemuArguments)
      case "-parallel", "-debugcon" ->
          contained(value)
              ? Optional.empty()
              : Optional.of(
                  "opens a host endpoint outside the machine's private run folder (the harness"
                      + " records the console itself); valid: none, null, stdio, or chardev:<id>"
                      + " of a -chardev null or ringbuf");
      default -> Optional.empty();
    };
  }

  /**
   * An {@code -object} that writes or opens host files or devices: {@code filter-dump} (a packet
   * dump file) and {@code input-linux} (a host evdev device). Memory backends and secrets a cell
   * brings itself are not judged, like {@code -drive}.
   */
  private static Optional<String> hostObject(String value) {
    String type = value.split(",", 2)[0].toLowerCase(Locale.ROOT);
    return switch (type) {
      case "filter-dump" ->
          Optional.of(
              "writes a packet dump file on the host; valid: leave it out (the guest has no"
                  + " network to dump)");
      case "input-linux" ->
          Optional.of(
              "opens a host input device for the guest, a way out the cell does not name; valid:"
                  + " leave it out");
      default -> Optional.empty();
    };
  }

  private static boolean contained(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    return CONTAINED_SHORTHANDS.contains(v) || v.startsWith("chardev:");
  }

  private static boolean takesValue(String option) {
    return !option.equals("-daemonize");
  }

  /** QEMU takes {@code --opt} for {@code -opt}. */
  private static String normalise(String arg) {
    return arg.startsWith("--") ? arg.substring(1) : arg;
  }
}
