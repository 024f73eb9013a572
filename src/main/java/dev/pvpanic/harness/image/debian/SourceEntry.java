package dev.pvpanic.harness.image.debian;

import java.util.List;

/**
 * One source package as a Sources index lists it.
 *
 * @param name the {@code Package} field, e.g. {@code qemu}
 * @param version the {@code Version} field, see {@link DebianVersion}
 * @param directory the pool folder of its files, relative to the archive root, e.g. {@code
 *     pool/main/q/qemu}
 * @param files every file of the source package (.dsc, .orig.tar.*, .debian.tar.*), in index order,
 *     from its {@code Checksums-Sha256} field
 */
public record SourceEntry(String name, String version, String directory, List<SourceFile> files) {

  public SourceEntry {
    files = List.copyOf(files);
  }

  /**
   * One file of a source package.
   *
   * @param name the file's name, without folder, e.g. {@code qemu_7.2+dfsg-7.dsc}
   * @param size in bytes
   * @param sha256 lower-case hex
   */
  public record SourceFile(String name, long size, String sha256) {}

  public DebianVersion debianVersion() {
    return DebianVersion.parse(version);
  }

  /** Where {@code file} is, relative to the archive root. */
  public String poolPath(SourceFile file) {
    return directory + "/" + file.name();
  }

  /** The {@code .dsc}, which every source package has. */
  public SourceFile dsc() {
    return files.stream()
        .filter(f -> f.name().endsWith(".dsc"))
        .findFirst()
        .orElseThrow(() -> new DebianArchiveException(this + " lists no .dsc file"));
  }

  @Override
  public String toString() {
    return name + " " + version + " (source)";
  }
}
