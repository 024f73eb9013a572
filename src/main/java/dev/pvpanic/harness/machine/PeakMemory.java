package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process's peak resident memory as Linux counts it: {@code VmHWM} in {@code /proc/<pid>/status}
 * (the high-water mark of the resident set). Empty where there is no such file (not Linux, or the
 * process has exited: a zombie has no memory map).
 */
public final class PeakMemory {
  private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+)\\s+kB");

  private PeakMemory() {}

  /** The peak resident set of process {@code pid}, in KiB. */
  public static OptionalLong ofProcessKb(long pid) {
    return read(Path.of("/proc", Long.toString(pid), "status"));
  }

  /** The peak resident set of this JVM, in KiB. */
  public static OptionalLong ofThisProcessKb() {
    return read(Path.of("/proc/self/status"));
  }

  static OptionalLong parseKb(String status) {
    Matcher m = VM_HWM.matcher(status);
    return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  private static OptionalLong read(Path status) {
    try {
      return parseKb(Files.readString(status, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }
}
