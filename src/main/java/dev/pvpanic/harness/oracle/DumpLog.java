package dev.pvpanic.harness.oracle;

import java.util.List;
import java.util.Objects;

/**
 * What the capture kernel read from the kernel log inside /proc/vmcore with kexec-tools' {@code
 * vmcore-dmesg}: an observation, checked against the panic message the rules expect.
 *
 * @param status {@code ok} (vmcore-dmesg exited 0), {@code failed} (it ran and failed: the dump's
 *     log could not be read) or {@code absent} (the capture initramfs has no vmcore-dmesg)
 * @param lines how many lines of kernel log vmcore-dmesg printed
 * @param panics the messages of the log's "Kernel panic - not syncing: " lines, in order (the text
 *     after that prefix)
 */
public record DumpLog(String status, int lines, List<String> panics) {

  public DumpLog {
    Objects.requireNonNull(status, "status");
    panics = List.copyOf(panics);
  }

  /** Whether vmcore-dmesg read the dump's log. */
  public boolean read() {
    return status.equals("ok");
  }

  /** Whether the log holds exactly the panic {@code message} (the text panic() was given). */
  public boolean holds(String message) {
    return panics.stream().anyMatch(p -> p.strip().equals(message.strip()));
  }

  /** The observation in a few words, for a diff line. */
  public String describe() {
    if (!read()) {
      return "vmcore-dmesg " + status + " (" + lines + " lines)";
    }
    if (panics.isEmpty()) {
      return "no panic line in the dump's log (" + lines + " lines)";
    }
    return "panic '" + String.join("', '", panics) + "' (" + lines + " lines)";
  }
}
