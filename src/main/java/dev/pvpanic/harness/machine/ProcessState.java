package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A process's state letter from /proc/&lt;pid&gt;/stat (R, S, D, T stopped, t traced, Z, ...). */
public final class ProcessState {
  private ProcessState() {}

  public static Optional<Character> of(long pid) {
    return read(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** Whether the process is stopped by a signal (T) or a tracer (t). */
  public static boolean stopped(long pid) {
    return of(pid).filter(s -> s == 'T' || s == 't').isPresent();
  }

  /** The field after the command's closing parenthesis (a command may hold spaces and parens). */
  static Optional<Character> read(Path stat) {
    try {
      String s = Files.readString(stat);
      int close = s.lastIndexOf(')');
      return close < 0 || close + 2 >= s.length()
          ? Optional.empty()
          : Optional.of(s.charAt(close + 2));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
