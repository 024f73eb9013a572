package dev.pvpanic.harness.image.debian;

/**
 * A package version pinned in the lock file: enough to fetch and verify its .deb without reading
 * any index again.
 *
 * @param suite e.g. {@code bookworm-backports}, {@code sid}
 * @param arch the index architecture it was resolved in ({@code amd64}, {@code arm64}); the package
 *     itself may be {@code all}
 * @param name package name
 * @param version exact Debian version
 * @param filename pool path relative to the archive root
 * @param size of the .deb in bytes
 * @param sha256 of the .deb, lower-case hex
 */
public record LockedPackage(
    String suite,
    String arch,
    String name,
    String version,
    String filename,
    long size,
    String sha256) {

  /** Pins {@code entry} as resolved from the {@code suite}/{@code arch} index. */
  public static LockedPackage of(String suite, String arch, PackageEntry entry) {
    return new LockedPackage(
        suite, arch, entry.name(), entry.version(), entry.filename(), entry.size(), entry.sha256());
  }

  @Override
  public String toString() {
    return name + " " + version + " (" + suite + "/" + arch + ")";
  }
}
