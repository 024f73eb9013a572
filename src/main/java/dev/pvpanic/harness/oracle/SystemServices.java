package dev.pvpanic.harness.oracle;

import java.util.Objects;
import java.util.Optional;

/**
 * What the image's userland does at boot that the rules must know, from its manifest: whether a
 * service loads the capture kernel (Debian's kdump-tools, whenever memory is reserved for it), and
 * whether a tmpfiles line turns {@code crash_kexec_post_notifiers} on (systemd v246's
 * systemd-pstore.conf did, fixed in v247). The minimal userland does neither: the harness arms the
 * guest itself.
 *
 * @param loadsCaptureKernel a boot service loads the capture kernel when the cell reserves memory
 * @param forcesPostNotifiers the line that forces the notifiers on, when one does
 */
public record SystemServices(boolean loadsCaptureKernel, Optional<String> forcesPostNotifiers) {
  /** The minimal userland: nothing happens at boot the harness does not do itself. */
  public static final SystemServices NONE = new SystemServices(false, Optional.empty());

  public SystemServices {
    Objects.requireNonNull(forcesPostNotifiers, "forcesPostNotifiers");
  }

  /**
   * The setup the kernel really has once the userland booted: notifiers a tmpfiles line forces on
   * are on from boot, as if on the command line.
   */
  public CellSetup effective(CellSetup setup) {
    if (forcesPostNotifiers.isPresent() && setup.postNotifiers() == PostNotifiers.OFF) {
      return setup.withKdump(setup.kdumpLoaded(), PostNotifiers.CMDLINE);
    }
    return setup;
  }

  /** Whether the capture kernel is loaded already when the guest reports READY. */
  public boolean captureLoadedAtReady(CellSetup setup) {
    return loadsCaptureKernel && setup.kdumpLoaded();
  }
}
