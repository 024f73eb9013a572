package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.console.CommandResult;
import dev.pvpanic.harness.console.ConsoleException;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.machine.QemuMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * After a passing kdump cell on the debian userland: the capture kernel's kdump-tools saved the
 * dump with makedumpfile and rebooted, so the system must come back to READY and /var/crash must
 * hold, in its newest folder, a makedumpfile dump ({@code dump.<stamp>}) and the panicked kernel's
 * log ({@code dmesg.<stamp>}) of the image's kernel release with the trigger's panic message. What
 * it finds goes to {@code saved-dump.txt}; a capture that saved nothing, or not that, is
 * CAPTURE_FAILED naming what is missing.
 */
final class SavedDumpCheck implements AfterAction {
  static final String ARTIFACT = "saved-dump.txt";

  @Override
  public String id() {
    return "saved-dump";
  }

  @Override
  public String doing() {
    return "checking the dump kdump-tools saved";
  }

  @Override
  public CellResult run(After a) {
    return check(a, a.run().cell.trigger().panicMessage(a.run().cell.setup(a.run().image.arch())));
  }

  /** Whether {@code run}'s cell is checked this way. */
  static boolean applies(CellRun run) {
    return run.cell.kdump() && run.image.system().isPresent();
  }

  static CellResult check(AfterAction.After a, Optional<String> panicMessage) {
    CellRun run = a.run();
    QemuMachine machine = a.machine();
    Optional<CellResult> notBack = awaitReady(a);
    if (notBack.isPresent()) {
      return notBack.get();
    }
    a.phases().mark("saved-dump");
    List<String> missing = new ArrayList<>();
    StringBuilder seen = new StringBuilder();
    Duration t = a.options().armTimeout();
    CommandResult stamp = machine.console().run("ls -1 /var/crash | grep '^[0-9]' | tail -n 1", t);
    String dir = stamp.output().isEmpty() ? "" : stamp.output().get(0).strip();
    seen.append("/var/crash newest folder: ").append(dir.isEmpty() ? "(none)" : dir).append('\n');
    if (dir.isEmpty() || !dir.matches("[0-9]+")) {
      missing.add("a dump folder under /var/crash (kdump-tools saved nothing)");
    } else {
      String base = "/var/crash/" + dir + "/";
      CommandResult files = machine.console().run("ls -l " + base, t);
      seen.append(String.join("\n", files.output())).append('\n');
      CommandResult magic =
          machine
              .console()
              .run("head -c 64 " + base + "dump." + dir + " | grep -a -c makedumpfile", t);
      if (!magic.output().contains("1")) {
        missing.add("dump." + dir + " in makedumpfile's format (kdump-tools' -F flattened)");
      }
      String release = run.image.kernelRelease();
      CommandResult version =
          machine
              .console()
              .run("grep -a -c 'Linux version " + release + " ' " + base + "dmesg." + dir, t);
      if (version.exitStatus() != 0) {
        missing.add("dmesg." + dir + " of kernel " + release);
      }
      String message = panicMessage.orElse("");
      CommandResult panic =
          machine
              .console()
              .run(
                  "grep -a -m 1 'Kernel panic - not syncing: "
                      + message
                      + "' "
                      + base
                      + "dmesg."
                      + dir,
                  t);
      seen.append("panic line: ").append(String.join(" / ", panic.output())).append('\n');
      if (panic.exitStatus() != 0) {
        missing.add(
            "the panic message 'Kernel panic - not syncing: " + message + "' in dmesg." + dir);
      }
    }
    run.write(ARTIFACT, seen.toString() + (missing.isEmpty() ? "" : "missing: " + missing + "\n"));
    if (!missing.isEmpty()) {
      return run.finish(
          Verdict.CAPTURE_FAILED,
          "the panic went as the rules say and the system rebooted, but kdump-tools did not save"
              + " what it should: missing "
              + String.join("; ", missing)
              + "\n"
              + seen,
          a.phases(),
          a.start());
    }
    return run.finish(
        Verdict.PASS,
        a.passed().message() + "\nkdump-tools saved the dump: /var/crash/" + dir + "\n" + seen,
        a.phases(),
        a.start());
  }

  /** The system's READY after the capture kernel's reboot, or the CAPTURE_FAILED result. */
  private static Optional<CellResult> awaitReady(AfterAction.After a) {
    try {
      a.machine()
          .console()
          .expectLine(
              "READY after kdump-tools saved the dump and rebooted",
              GuestProtocol.READY_PATTERN,
              null,
              a.options().bootTimeout());
      return Optional.empty();
    } catch (ConsoleException e) {
      return Optional.of(
          a.run()
              .finish(
                  Verdict.CAPTURE_FAILED,
                  "the panic went as the rules say, but the system did not come back to READY"
                      + " after the capture kernel (kdump-tools saves the dump, then reboots): "
                      + e.getMessage()
                      + "\nconsole tail:\n  "
                      + String.join("\n  ", a.machine().console().tail(40)),
                  a.phases(),
                  a.start()));
    }
  }
}
