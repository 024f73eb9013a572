package dev.pvpanic.harness.guest;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How far a kdump capture kernel got, read from the console after the panic: not started (no second
 * kernel banner after the panic), started and panicked itself (its own "Kernel panic - not syncing"
 * line: too small a crashkernel reservation, a broken capture initramfs), or started and still
 * working or silent. The harness stops waiting for the VMCORE line as soon as the capture kernel
 * has panicked, and the verdict names which of these it was.
 */
public record CaptureProgress(Optional<Integer> banner, Optional<String> ownPanic, boolean vmcore) {

  /** Where the panic under test shows first on the console (or a kexec into the capture kernel). */
  private static final Pattern PANIC_REGION =
      Pattern.compile(
          "Kernel panic - not syncing|sysrq ?: Trigger a crash|NMI: Not continuing"
              + "|Starting crashdump kernel",
          Pattern.CASE_INSENSITIVE);

  /** A kernel's boot banner (init/version.c: linux_banner). */
  public static final Pattern BANNER = Pattern.compile("Linux version \\d+\\.\\d+");

  private static final Pattern PANIC = Pattern.compile("Kernel panic - not syncing:?.*");

  /** Reads the console's lines (the whole transcript of this QEMU). */
  public static CaptureProgress of(List<String> lines) {
    int panicAt = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (PANIC_REGION.matcher(lines.get(i)).find()) {
        panicAt = i;
        break;
      }
    }
    boolean vmcore = lines.stream().anyMatch(l -> GuestProtocol.VMCORE_PATTERN.matcher(l).find());
    if (panicAt < 0) {
      return new CaptureProgress(Optional.empty(), Optional.empty(), vmcore);
    }
    Optional<Integer> banner = Optional.empty();
    Optional<String> ownPanic = Optional.empty();
    for (int i = panicAt + 1; i < lines.size(); i++) {
      String l = lines.get(i);
      if (banner.isEmpty() && BANNER.matcher(l).find()) {
        banner = Optional.of(i);
      } else if (banner.isPresent() && ownPanic.isEmpty()) {
        java.util.regex.Matcher m = PANIC.matcher(l);
        if (m.find()) {
          ownPanic = Optional.of(m.group().strip());
        }
      }
    }
    return new CaptureProgress(banner, ownPanic, vmcore);
  }

  /** True when no VMCORE line can come any more: the capture kernel panicked before printing it. */
  public boolean hopeless() {
    return !vmcore && ownPanic.isPresent();
  }

  /** What the capture kernel did, in words, for a verdict's first line. */
  public String describe() {
    if (vmcore) {
      return "the capture kernel printed its VMCORE line";
    }
    if (banner.isEmpty()) {
      return "the capture kernel never started: no kernel banner ('Linux version ...') on the"
          + " console after the panic";
    }
    if (ownPanic.isPresent()) {
      return "the capture kernel started (its banner is console line "
          + (banner.get() + 1)
          + ") and panicked itself before reading /proc/vmcore: '"
          + ownPanic.get()
          + "'";
    }
    return "the capture kernel started (its banner is console line "
        + (banner.get() + 1)
        + ") but printed no VMCORE line within its bound";
  }
}
