package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.console.CommandResult;
import dev.pvpanic.harness.console.SerialConsole;
import dev.pvpanic.harness.guest.ConsolePatterns;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.GuestReport;
import dev.pvpanic.harness.oracle.PostNotifiers;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Arms the guest before the trigger: loads the capture kernel with {@code kexec -p} when the cell
 * asks for kdump and sets {@code crash_kexec_post_notifiers} at run time, then reads back what the
 * kernel reports. What it reads is an observation: a kernel that refuses the capture kernel or
 * keeps the notifiers off is a wrong guest state, judged with the rest, not an error of the
 * harness.
 */
final class GuestArming {
  private final SerialConsole console;
  private final Duration timeout;
  private Optional<String> unprepared = Optional.empty();

  GuestArming(SerialConsole console, Duration timeout) {
    this.console = console;
    this.timeout = timeout;
  }

  /**
   * Arms the guest for {@code cell}.
   *
   * @param loadedBySnapshot the guest was restored from a snapshot whose guest ran the {@code kexec
   *     -p} before it was saved ({@link CellMachine#snapshotArming}): the capture kernel is only
   *     read back, as on a Debian system
   * @throws dev.pvpanic.harness.console.ConsoleException when the console itself fails (a timeout,
   *     a panic while arming)
   */
  GuestReport.Armed arm(
      Cell cell,
      Architecture arch,
      dev.pvpanic.harness.oracle.Derived<dev.pvpanic.harness.oracle.KernelConfig> config,
      String cmdline,
      boolean loadedBySnapshot) {
    Optional<Boolean> kexecLoaded = Optional.empty();
    Optional<Boolean> notifiers = Optional.empty();
    Optional<String> detail = Optional.empty();
    if (cell.kdump()) {
      // the minimal guest loads it now, unless its snapshot's guest did; the debian userland's
      // kdump-tools.service loaded it at boot (or failed to): then it is only read back
      if (cell.userland() == dev.pvpanic.harness.image.Userland.MINIMAL && !loadedBySnapshot) {
        CommandResult load =
            console.run(
                CellMachine.kexecCommand(arch, config, CellMachine.captureCmdline(cmdline)),
                timeout);
        if (load.exitStatus() != 0) {
          detail = Optional.of(load.describe());
        }
      }
      kexecLoaded = readFlag("cat /sys/kernel/kexec_crash_loaded", "1", "0");
    }
    if (cell.postNotifiers() == PostNotifiers.RUNTIME) {
      CommandResult set =
          console.run("echo Y > /sys/module/kernel/parameters/crash_kexec_post_notifiers", timeout);
      if (set.exitStatus() != 0) {
        detail = Optional.of(detail.map(d -> d + "; ").orElse("") + set.describe());
      }
    }
    // what the trigger needs of the kernel: the serial sysrq mask, a panic on an unknown NMI, the
    // watchdog's driver, panic_on_oops
    for (String prepare : cell.trigger().arming(cell.setup(arch))) {
      CommandResult set = console.run(prepare, timeout);
      if (set.exitStatus() != 0) {
        detail = Optional.of(detail.map(d -> d + "; ").orElse("") + set.describe());
        unprepared = Optional.of(unprepared.map(d -> d + "; ").orElse("") + set.describe());
      }
    }
    if (cell.postNotifiers() != PostNotifiers.OFF) {
      notifiers =
          readFlag("cat /sys/module/kernel/parameters/crash_kexec_post_notifiers", "Y", "N");
    }
    return new GuestReport.Armed(kexecLoaded, notifiers, detail);
  }

  /**
   * What the trigger needed of the kernel and did not get (a module that did not load, a sysctl
   * that could not be set), after {@link #arm}: the trigger would do nothing or something else.
   */
  Optional<String> unprepared() {
    return unprepared;
  }

  /** Reads a 0/1 or N/Y file; empty when it prints anything else. */
  private Optional<Boolean> readFlag(String command, String on, String off) {
    CommandResult r = console.run(command, timeout);
    // A kernel message may land among the command's output lines: it is not the value.
    String got =
        r.output().stream()
            .filter(l -> !ConsolePatterns.KERNEL_MESSAGE.matcher(l).find())
            .collect(Collectors.joining("\n"))
            .strip();
    if (r.exitStatus() == 0 && got.equals(on)) {
      return Optional.of(true);
    }
    if (r.exitStatus() == 0 && got.equals(off)) {
      return Optional.of(false);
    }
    return Optional.empty();
  }
}
