package dev.pvpanic.harness.machine;

import java.util.List;
import java.util.Optional;

/**
 * QEMU did not come up: carries why (exit code when it died), the exact argv, and the end of what
 * QEMU printed on stderr, so the failure can be understood without rerunning it.
 */
public class MachineLaunchException extends MachineException {
  private static final long serialVersionUID = 1L;

  private final transient Optional<Integer> exitCode;
  private final List<String> argv;
  private final String stderr;

  public MachineLaunchException(
      String why, Optional<Integer> exitCode, List<String> argv, String stderr, Throwable cause) {
    super(message(why, exitCode, argv, stderr), cause);
    this.exitCode = exitCode;
    this.argv = List.copyOf(argv);
    this.stderr = stderr;
  }

  private static String message(
      String why, Optional<Integer> exitCode, List<String> argv, String stderr) {
    StringBuilder sb = new StringBuilder("QEMU failed to start: ").append(why);
    exitCode.ifPresent(c -> sb.append(" (exit code ").append(c).append(signal(c)).append(')'));
    sb.append("\n  argv: ").append(QemuCommandLine.toShell(argv));
    sb.append("\n  stderr:");
    if (stderr.isBlank()) {
      sb.append(" (empty)");
    } else {
      stderr.lines().forEach(l -> sb.append("\n    ").append(l));
    }
    return sb.toString();
  }

  /**
   * What an exit code over 128 says: the signal that killed QEMU. SIGSYS is the seccomp sandbox's
   * answer to a system call it forbids, and QEMU prints nothing before it dies, so say it here.
   */
  static String signal(int exitCode) {
    return switch (exitCode) {
      case 128 + 31 ->
          ": killed by SIGSYS, the -sandbox filter stopped a forbidden system call, e.g. the fork"
              + " of -daemonize (spawn=deny) or a set*id (elevateprivileges=deny)";
      case 128 + 9 -> ": killed by SIGKILL";
      case 128 + 6 -> ": aborted (SIGABRT)";
      case 128 + 11 -> ": crashed (SIGSEGV)";
      default ->
          exitCode > 128 && exitCode < 128 + 65 ? ": killed by signal " + (exitCode - 128) : "";
    };
  }

  public Optional<Integer> exitCode() {
    return exitCode;
  }

  public List<String> argv() {
    return argv;
  }

  public String stderr() {
    return stderr;
  }
}
