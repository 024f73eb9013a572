package dev.pvpanic.harness.image;

import dev.pvpanic.harness.machine.Architecture;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What runs above the kernel: the harness's own busybox initramfs ({@code minimal}, the default) or
 * a Debian system on a disk ({@code debian}: systemd, udev's coldplug, kdump-tools and
 * makedumpfile, as users deploy it).
 */
public enum Userland {
  MINIMAL,
  DEBIAN;

  /** The Debian suite the debian userland's packages come from. */
  public static final String DEBIAN_SUITE = "bookworm";

  /** The architectures {@link #DEBIAN_SUITE} has packages for among the harness's. */
  public static final List<Architecture> DEBIAN_ARCHES =
      List.of(Architecture.X86_64, Architecture.AARCH64);

  /** The name in configs and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Userland parse(String text) {
    for (Userland u : values()) {
      if (u.id().equals(text)) {
        return u;
      }
    }
    throw new IllegalArgumentException("unknown userland '" + text + "'; valid: minimal, debian");
  }

  /**
   * The name the image of {@code recipe} on this userland is built and cached under: the recipe's
   * own for {@code minimal}, {@code <recipe>@debian} for a system.
   */
  public String imageName(String recipe) {
    return this == MINIMAL ? recipe : recipe + "@" + id();
  }

  /** The recipe and userland an image name ({@link #imageName}) stands for. */
  public static Optional<String> systemOf(String imageName) {
    int at = imageName.lastIndexOf('@');
    return at > 0 && imageName.substring(at + 1).equals(DEBIAN.id())
        ? Optional.of(imageName.substring(0, at))
        : Optional.empty();
  }

  /**
   * Why a cell on the debian userland cannot run on {@code arch}, if it cannot: the suite has no
   * packages for it.
   */
  public static Optional<String> unsupported(Architecture arch) {
    return DEBIAN_ARCHES.contains(arch)
        ? Optional.empty()
        : Optional.of(
            "userland debian: Debian "
                + DEBIAN_SUITE
                + " has no "
                + arch.id()
                + " packages (its release architectures here: x86_64, aarch64); use userland"
                + " minimal for "
                + arch.id());
  }
}
