package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a running process is confined, as the kernel reports it in {@code /proc/<pid>/status}: its
 * real and effective user and group ids, its seccomp mode (0 none, 1 strict, 2 filter; -1 when the
 * kernel reports none), whether it may gain privileges (no_new_privs) and its effective
 * capabilities (a bit mask; 0 for a process that dropped root).
 */
public record ProcessConfinement(
    long pid,
    int realUid,
    int uid,
    int gid,
    int seccomp,
    boolean noNewPrivs,
    long effectiveCapabilities) {

  /** Seccomp mode 2: a syscall filter is installed (what {@code -sandbox on} gives). */
  public static final int SECCOMP_FILTER = 2;

  /** The process as it is now; empty when it is gone or its status cannot be read. */
  public static Optional<ProcessConfinement> of(long pid) {
    try {
      return Optional.of(
          parse(pid, Files.readString(Path.of("/proc", Long.toString(pid), "status"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** This JVM. */
  public static ProcessConfinement self() {
    long pid = ProcessHandle.current().pid();
    return of(pid).orElseThrow(() -> new MachineException("cannot read /proc/" + pid + "/status"));
  }

  /**
   * Reads a {@code status} file's text. {@code Uid:} and {@code Gid:} hold real, effective, saved
   * and filesystem ids; {@code Seccomp:} appeared in Linux 3.8, {@code NoNewPrivs:} in 4.10.
   *
   * @throws IllegalArgumentException when the text has no {@code Uid:} or {@code Gid:} line
   */
  public static ProcessConfinement parse(long pid, String status) {
    String[] uids = field(status, "Uid").orElseThrow(() -> missing("Uid")).split("\\s+");
    String[] gids = field(status, "Gid").orElseThrow(() -> missing("Gid")).split("\\s+");
    return new ProcessConfinement(
        pid,
        Integer.parseInt(uids[0]),
        Integer.parseInt(uids.length > 1 ? uids[1] : uids[0]),
        Integer.parseInt(gids.length > 1 ? gids[1] : gids[0]),
        field(status, "Seccomp").map(Integer::parseInt).orElse(-1),
        field(status, "NoNewPrivs").map(v -> v.equals("1")).orElse(false),
        field(status, "CapEff").map(v -> Long.parseUnsignedLong(v, 16)).orElse(0L));
  }

  private static Optional<String> field(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        return Optional.of(line.substring(name.length() + 1).strip());
      }
    }
    return Optional.empty();
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException("no '" + name + ":' line in a /proc status file");
  }

  /** Whether a seccomp filter is installed. */
  public boolean filtered() {
    return seccomp == SECCOMP_FILTER;
  }

  /** {@code uid 999 gid 999, seccomp 2 (filter), no_new_privs, no capabilities}. */
  public String describe() {
    String mode =
        switch (seccomp) {
          case 0 -> "0 (none)";
          case 1 -> "1 (strict)";
          case 2 -> "2 (filter)";
          default -> "not reported";
        };
    return "uid "
        + uid
        + (realUid != uid ? " (real " + realUid + ")" : "")
        + " gid "
        + gid
        + ", seccomp "
        + mode
        + (noNewPrivs ? ", no_new_privs" : "")
        + (effectiveCapabilities == 0
            ? ", no capabilities"
            : ", capabilities 0x" + Long.toHexString(effectiveCapabilities));
  }
}
