package dev.pvpanic.harness.image.kmod;

/** One Debian package at one version, as an image manifest records it. */
public record PackageRef(String name, String version) {
  @Override
  public String toString() {
    return name + "=" + version;
  }
}
