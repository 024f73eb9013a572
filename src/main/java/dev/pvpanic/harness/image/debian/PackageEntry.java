package dev.pvpanic.harness.image.debian;

/**
 * One binary package as a Packages index lists it.
 *
 * @param name the {@code Package} field
 * @param version the {@code Version} field, see {@link DebianVersion}
 * @param architecture {@code amd64}, {@code arm64} or {@code all}
 * @param filename the pool path relative to the archive root, e.g. {@code
 *     pool/main/b/busybox/busybox-static_1.35.0-4+b3_arm64.deb}
 * @param size of the .deb in bytes
 * @param sha256 of the .deb, lower-case hex
 * @param source the source package's name (the {@code Source} field without its version), or the
 *     package's own name when the index gives none
 * @param depends the raw {@code Pre-Depends} and {@code Depends} fields joined (libsystemd0, for
 *     one, names its libraries in Pre-Depends), empty when both are absent
 * @param provides the raw {@code Provides} field, empty when absent
 */
public record PackageEntry(
    String name,
    String version,
    String architecture,
    String filename,
    long size,
    String sha256,
    String source,
    String depends,
    String provides) {

  public DebianVersion debianVersion() {
    return DebianVersion.parse(version);
  }

  @Override
  public String toString() {
    return name + " " + version + " (" + architecture + ")";
  }
}
