package dev.pvpanic.harness.image.kmod;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Debian packages an out-of-tree module build for one kernel release needs, named the way
 * Debian's {@code linux} source package names them. All come from that one source package, so they
 * share one version.
 *
 * <p>For {@code 6.12.95+deb12-arm64} at {@code 6.12.95-1~bpo12+1}: {@code
 * linux-headers-6.12.95+deb12-arm64} (arm64), {@code linux-headers-6.12.95+deb12-common} (all),
 * {@code linux-kbuild-6.12.95+deb12} (the BUILD host's architecture: fixdep and modpost run there)
 * and {@code linux-source-6.12} (all).
 *
 * @param release the kernel release ({@code uname -r})
 * @param abi the release without its flavour, e.g. {@code 6.12.95+deb12} or {@code 6.1.0-37}
 * @param flavour e.g. {@code arm64}, {@code cloud-arm64}, {@code rt-arm64}
 * @param version the Debian package version, e.g. {@code 6.12.95-1~bpo12+1}
 */
public record KernelPackages(String release, String abi, String flavour, String version) {

  // The flavour starts at the first '-' followed by a letter: 6.12.95+deb12-cloud-arm64,
  // 6.1.0-37-arm64.
  private static final Pattern RELEASE =
      Pattern.compile("^(\\d+\\.\\d+(?:\\.\\d+)?[^-]*(?:-\\d[^-]*)*)-([a-z][a-z0-9-]*)$");
  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+\\.\\d+)");

  /** Derives the package names from a Debian kernel release string. */
  public static KernelPackages forRelease(String release, String version) {
    Matcher m = RELEASE.matcher(release == null ? "" : release.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a Debian kernel release: '"
              + release
              + "' (expected <abi>-<flavour>, e.g. 6.12.95+deb12-arm64 or 6.1.0-37-cloud-arm64)");
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException(
          "no package version for " + release + " (expected e.g. 6.12.95-1~bpo12+1)");
    }
    return new KernelPackages(release.strip(), m.group(1), m.group(2), version.strip());
  }

  /** The architecture the flavour names (arm64 in arm64, cloud-arm64, arm64-16k). */
  public KernelArch arch() {
    for (String part : flavour.split("-")) {
      for (KernelArch a : KernelArch.values()) {
        if (a.debianArch().equals(part)) {
          return a;
        }
      }
    }
    throw new IllegalArgumentException(
        "kernel flavour '" + flavour + "' of " + release + " names no known architecture");
  }

  /** {@code linux-headers-<release>}: the flavour's config, Module.symvers, generated headers. */
  public String headers() {
    return "linux-headers-" + release;
  }

  /** {@code linux-headers-<abi>-common}: the source-tree headers and the top Makefile. */
  public String headersCommon() {
    // Debian keeps a separate common package for the realtime flavours.
    return "linux-headers-" + abi + "-common" + (flavour.startsWith("rt-") ? "-rt" : "");
  }

  /**
   * {@code linux-kbuild-<abi>} (6.12 backports and newer) or {@code linux-kbuild-<major.minor>}
   * (older Debian kernels, e.g. bookworm's 6.1.0-N).
   */
  public String kbuild() {
    return "linux-kbuild-" + (abi.contains("+deb") ? abi : majorMinor());
  }

  /** {@code linux-source-<major.minor>}: the kernel source tarball with Debian's patches. */
  public String source() {
    return "linux-source-" + majorMinor();
  }

  /** The packages whose contents must be extracted together into the header folder. */
  public List<PackageRef> buildTree() {
    return List.of(
        new PackageRef(headers(), version),
        new PackageRef(headersCommon(), version),
        new PackageRef(kbuild(), version));
  }

  public PackageRef sourcePackage() {
    return new PackageRef(source(), version);
  }

  private String majorMinor() {
    Matcher m = MAJOR_MINOR.matcher(abi);
    if (!m.find()) {
      throw new IllegalStateException("no major.minor in " + abi);
    }
    return m.group(1);
  }
}
