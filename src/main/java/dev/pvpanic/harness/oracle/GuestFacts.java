package dev.pvpanic.harness.oracle;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The guest's facts the rules need, as derived from declared inputs ({@link GuestExpectation}: the
 * image manifest, the kernel's config, the QEMU build), and filled from the guest's READY line only
 * where no input declares them (marked there): kernel release, which pvpanic driver binds, and
 * (Linux 5.12 and later) the device's {@code capability} and the sysfs {@code events} mask.
 * kexec_crash_loaded and post_notifiers on that line are NOT here: READY is printed before the
 * scenario arms kdump, so {@link CellSetup} carries them.
 *
 * @param capability what the device advertises, as the driver read it; absent before Linux 5.12
 * @param events the sysfs mask of events the guest may send; absent before Linux 5.12
 */
public record GuestFacts(
    KernelVersion kernel, PvpanicDriver driver, OptionalInt capability, OptionalInt events) {

  public GuestFacts {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(capability, "capability");
    Objects.requireNonNull(events, "events");
  }

  /** A guest that did not report capability and events (Linux before 5.12, or no driver). */
  public static GuestFacts of(KernelVersion kernel, PvpanicDriver driver) {
    return new GuestFacts(kernel, driver, OptionalInt.empty(), OptionalInt.empty());
  }

  /** A guest that reported capability and events. */
  public static GuestFacts of(
      KernelVersion kernel, PvpanicDriver driver, int capability, int events) {
    return new GuestFacts(kernel, driver, OptionalInt.of(capability), OptionalInt.of(events));
  }
}
