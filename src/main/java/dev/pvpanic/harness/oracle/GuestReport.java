package dev.pvpanic.harness.oracle;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the guest said about itself: on its READY line (before anything is armed) and, after the
 * harness armed kdump and the notifiers, what the kernel then reports. An observation to check
 * against {@link GuestExpectation}, never an input of an expectation (except for a fact the rules
 * cannot know, and then the expectation says it went by the guest).
 *
 * @param kernelRelease {@code uname -r}
 * @param driver the pvpanic driver bound to a device
 * @param capability sysfs {@code capability} of the bound device; absent when there is none
 * @param events sysfs {@code events}; absent when there is none
 * @param kexecCrashLoaded {@code /sys/kernel/kexec_crash_loaded} at READY; absent if unreadable
 * @param postNotifiers {@code crash_kexec_post_notifiers} at READY; absent if unreadable
 * @param armed what the kernel reported after arming; empty until the harness armed the guest
 */
public record GuestReport(
    String kernelRelease,
    PvpanicDriver driver,
    OptionalInt capability,
    OptionalInt events,
    Optional<Boolean> kexecCrashLoaded,
    Optional<Boolean> postNotifiers,
    Optional<Armed> armed) {

  public GuestReport {
    Objects.requireNonNull(kernelRelease, "kernelRelease");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(capability, "capability");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(kexecCrashLoaded, "kexecCrashLoaded");
    Objects.requireNonNull(postNotifiers, "postNotifiers");
    Objects.requireNonNull(armed, "armed");
  }

  /**
   * What the kernel reported after arming: each value is read only when the harness set it
   * (kexec_crash_loaded for kdump, crash_kexec_post_notifiers when asked on).
   *
   * @param detail what went wrong while arming (a failed {@code kexec -p} and its output), if
   *     anything
   */
  public record Armed(
      Optional<Boolean> kexecCrashLoaded,
      Optional<Boolean> postNotifiers,
      Optional<String> detail) {
    public Armed {
      Objects.requireNonNull(kexecCrashLoaded, "kexecCrashLoaded");
      Objects.requireNonNull(postNotifiers, "postNotifiers");
      Objects.requireNonNull(detail, "detail");
    }
  }

  public GuestReport withArmed(Armed a) {
    return new GuestReport(
        kernelRelease, driver, capability, events, kexecCrashLoaded, postNotifiers, Optional.of(a));
  }
}
