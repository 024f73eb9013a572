package dev.pvpanic.harness.matrix;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a cell's own {@code qemu_args} may not change: what the harness owns. A cell may change what
 * the guest or QEMU does (-no-reboot, -no-shutdown, -action, -global, -m, -smp, ...: a bug report's
 * command line), and the oracle, which never reads these arguments, turns their effect into a
 * failing verdict. It may not change how the harness runs and watches QEMU: its process model (a
 * daemonized QEMU outlives its cell), its monitor and serial console (the harness reads them), or
 * its display (a window or a network port on a CI runner).
 */
public final class QemuArguments {
  /** The options the harness owns, and why each is refused. */
  private static final Map<String, String> OWNED =
      Map.ofEntries(
          Map.entry("-S", "the VM would wait in prelaunch and the guest never boot"),
          Map.entry("-qmp", "the harness owns QEMU's QMP monitor"),
          Map.entry("-qmp-pretty", "the harness owns QEMU's QMP monitor"),
          Map.entry("-monitor", "the harness owns QEMU's monitors"),
          Map.entry("-mon", "the harness owns QEMU's monitors"),
          Map.entry("-serial", "the harness owns the guest's serial console"),
          Map.entry("-nographic", "it moves the serial console and monitor to stdio"),
          Map.entry("-incoming", "the harness restores snapshots itself"),
          Map.entry("-loadvm", "the harness restores snapshots itself"),
          Map.entry("-chroot", "the harness decides where QEMU runs"),
          Map.entry(
              "-pidfile",
              "the harness tracks QEMU by its own pid file (a second one replaces it, and QEMU"
                  + " writes it as root)"),
          Map.entry("-vnc", "a display server opens a network port on the runner"),
          Map.entry("-spice", "a display server opens a network port on the runner"),
          Map.entry("-sdl", "QEMU runs without a display (-display none)"),
          Map.entry("-curses", "QEMU runs without a display (-display none)"));

  private QemuArguments() {}

  /** Why the cell's {@code qemu_args} cannot run, naming the argument; empty when they can. */
  public static Optional<String> problem(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      // QEMU takes --option as -option, and -option=value for some
      String option = arg.startsWith("--") ? arg.substring(1) : arg;
      String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
      String why = OWNED.get(name);
      if (why != null) {
        return Optional.of(refusal(arg, why));
      }
      if (name.equals("-display")) {
        boolean joined = option.contains("=");
        String value =
            joined
                ? option.substring(option.indexOf('=') + 1)
                : i + 1 < args.size() ? args.get(i + 1) : "";
        // the display type is what comes before its options: "none", not "nonesuch"
        if (!value.split(",", 2)[0].toLowerCase(Locale.ROOT).equals("none")) {
          return Optional.of(
              refusal(
                  joined ? arg : arg + " " + value,
                  "QEMU runs without a display; only -display none"));
        }
      }
    }
    return Optional.empty();
  }

  private static String refusal(String arg, String why) {
    return "qemu_args '"
        + arg
        + "' is refused: "
        + why
        + ". A cell's QEMU arguments may change what QEMU or the guest does (-no-reboot,"
        + " -no-shutdown, -action, -global, -m, -smp, -machine, -cpu, -device), not how the"
        + " harness runs and watches QEMU";
  }
}
