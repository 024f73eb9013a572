package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills this JVM's QEMUs once the JVM is gone, for the QEMUs {@link TetheredProcess}'s tether no
 * longer holds: the kernel clears a process's parent-death signal when its user id changes
 * (commit_creds), so a QEMU that dropped to an unprivileged account ({@code -runas}, {@code
 * -run-with user=}) outlives a JVM killed with SIGKILL (seen on 5.2, 7.2, 10.0 and 11.1, and with
 * 11.1's {@code -run-with exit-with-parent=on}, which sets the same signal before the drop).
 *
 * <p>One small shell per JVM, started before the first such QEMU, in a session of its own (Ctrl-C
 * in the terminal does not reach it), waits for the end of a pipe only this JVM holds. However the
 * JVM ends, the kernel closes that pipe; the shell then kills every process whose command line
 * names one of this JVM's run folders ({@code /pvh-<pid>-<start>-<n>/}, see {@link RunFolder}) and
 * exits. Root runs it, so it may kill the unprivileged QEMUs. A reaper killed from outside is
 * replaced at the next launch, and {@link #sweepOrphans} kills the QEMUs of JVMs that died while
 * none ran.
 */
final class QemuReaper {
  private static final Logger LOG = LoggerFactory.getLogger(QemuReaper.class);
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  /** Reads until the harness is gone, then kills what names its run folders. */
  static final String SCRIPT =
      "trap '' HUP INT TERM PIPE; while read -r _; do :; done;"
          + " for d in /proc/[0-9]*; do"
          + " grep -qsF -- \"$PVH_REAP\" \"$d/cmdline\" && kill -KILL \"${d#/proc/}\" 2>/dev/null;"
          + " done; exit 0";

  private static final Pattern RUN_FOLDER = Pattern.compile("/pvh-(\\d+-[0-9a-f]+)-\\d+/");

  // Per JVM: one reaper watches this JVM's QEMU processes, whichever session started them.
  private static Process reaper;

  private QemuReaper() {}

  /** Starts this JVM's reaper unless it runs; kills the QEMUs of dead JVMs first. */
  static synchronized void ensureRunning() {
    if (reaper != null && reaper.isAlive()) {
      return;
    }
    if (reaper == null) {
      sweepOrphans(Path.of("/proc"));
    }
    ProcessBuilder pb =
        new ProcessBuilder(command())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PVH_REAP", tag());
    try {
      // The pipe to its stdin stays open as long as this reference lives, i.e. as long as the JVM.
      reaper = pb.start();
    } catch (IOException e) {
      throw new MachineException(
          "cannot start the reaper that kills unprivileged QEMUs when this JVM dies: "
              + e.getMessage(),
          e);
    }
  }

  private static List<String> command() {
    return Files.isExecutable(SETSID)
        ? List.of(SETSID.toString(), "/bin/sh", "-c", SCRIPT)
        : List.of("/bin/sh", "-c", SCRIPT);
  }

  /** What a command line of one of this JVM's QEMUs holds: its run folders' common prefix. */
  static String tag() {
    return "/pvh-" + RunFolder.ownerTag() + "-";
  }

  /**
   * Kills processes whose command line names the run folder of a JVM that no longer runs: QEMUs
   * left by a JVM whose reaper did not run either.
   *
   * @return how many were killed
   */
  static int sweepOrphans(Path proc) {
    int killed = 0;
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path dir : pids) {
        String cmdline;
        try {
          cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          continue; // gone, or not ours to read
        }
        Matcher m = RUN_FOLDER.matcher(cmdline);
        if (m.find() && RunFolder.isStaleOwner(m.group(1))) {
          long pid = Long.parseLong(dir.getFileName().toString());
          if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
            LOG.warn("killed pid {}, left running by a harness JVM that is gone", pid);
            killed++;
          }
        }
      }
    } catch (IOException e) {
      // no /proc to read: nothing we could sweep
    }
    return killed;
  }
}
