package dev.pvpanic.harness.image.initramfs;

import com.github.luben.zstd.ZstdInputStream;
import dev.pvpanic.harness.elf.ElfHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The kernel modules of one kernel release in an extracted root, under {@code
 * lib/modules/<release>/} (Debian up to 6.x) or {@code usr/lib/modules/<release>/} (7.x packages).
 *
 * <p>Modules are handed to the guest as plain {@code .ko}: Debian compresses them (xz from 6.x,
 * zstd or gzip elsewhere) and, although busybox insmod can read xz, the kernel first tries the
 * compressed bytes and logs "Invalid ELF header magic", a message that would be mistaken for a
 * failure in a transcript. Decompressing on the host avoids it and works for every format.
 */
public final class KernelModules {

  /** A decompressed module larger than this is refused (no real module comes close). */
  static final int MAX_MODULE_BYTES = 256 << 20;

  private static final List<String> SUFFIXES = List.of(".ko.xz", ".ko.zst", ".ko.gz", ".ko");
  private static final List<String> TREES = List.of("lib/modules", "usr/lib/modules");

  private final String release;
  private final Path directory;

  private KernelModules(String release, Path directory) {
    this.release = release;
    this.directory = directory;
  }

  /** The modules of {@code release} in {@code root}; throws naming both places when absent. */
  public static KernelModules in(Path root, String release) {
    for (String tree : TREES) {
      Path candidate = root.resolve(tree).resolve(release);
      if (Files.isDirectory(candidate)) {
        return new KernelModules(release, candidate);
      }
    }
    throw new InitramfsException(
        "no modules for kernel "
            + release
            + " in "
            + root
            + ": neither lib/modules/"
            + release
            + " nor usr/lib/modules/"
            + release
            + " exists (present: "
            + releasesIn(root)
            + ")");
  }

  /**
   * The modules of the only kernel release in {@code root}; throws if there are none or several.
   */
  public static KernelModules in(Path root) {
    List<String> releases = releasesIn(root);
    if (releases.size() != 1) {
      throw new InitramfsException(
          "expected the modules of exactly one kernel in "
              + root
              + " (lib/modules or usr/lib/modules), found "
              + releases
              + "; name the release");
    }
    return in(root, releases.get(0));
  }

  /** The kernel release, e.g. 6.12.95+deb12-amd64. */
  public String release() {
    return release;
  }

  /** The host folder {@code .../modules/<release>}. */
  public Path directory() {
    return directory;
  }

  /**
   * The module file for {@code name} ({@code pvpanic-pci}, {@code pvpanic_pci}: the kernel treats
   * '-' and '_' in module names alike), compressed or not; empty when there is none.
   *
   * @throws InitramfsException if several files claim the name
   */
  public Optional<Path> locate(String name) {
    String wanted = canonical(name);
    List<Path> hits;
    try (Stream<Path> walk = Files.walk(directory)) {
      hits =
          walk.filter(Files::isRegularFile)
              .filter(p -> moduleName(p).map(KernelModules::canonical).orElse("").equals(wanted))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new InitramfsException("cannot list " + directory + ": " + e.getMessage(), e);
    }
    if (hits.size() > 1) {
      throw new InitramfsException(
          "module " + name + " is ambiguous in " + directory + ": " + hits + "; pick one by path");
    }
    return hits.stream().findFirst();
  }

  /** Like {@link #locate} but throws, naming the module and the folder, when it is absent. */
  public Path find(String name) {
    return locate(name)
        .orElseThrow(
            () ->
                new InitramfsException(
                    "module "
                        + name
                        + " not found under "
                        + directory
                        + " (looked for "
                        + name
                        + " with '-' or '_' and suffix .ko, .ko.xz, .ko.zst or .ko.gz)"));
  }

  /**
   * The module files to insmod for {@code name}, dependencies first, as {@code modules.dep} lists
   * them (busybox insmod loads one file and resolves nothing). Without modules.dep: just the
   * module.
   */
  public List<Path> withDependencies(String name) {
    Path module = find(name);
    Path depFile = directory.resolve("modules.dep");
    if (!Files.isRegularFile(depFile)) {
      return List.of(module);
    }
    String relative = directory.relativize(module).toString();
    List<String> lines;
    try {
      lines = Files.readAllLines(depFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InitramfsException("cannot read " + depFile + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.substring(0, colon).strip().equals(relative)) {
        continue;
      }
      List<Path> order = new ArrayList<>();
      String deps = line.substring(colon + 1).strip();
      if (!deps.isEmpty()) {
        for (String dep : deps.split("\\s+")) {
          order.add(directory.resolve(dep));
        }
      }
      // modules.dep lists the closest dependency first; modprobe loads from the end
      Collections.reverse(order);
      order.add(module);
      return List.copyOf(order);
    }
    return List.of(module);
  }

  /** The plain {@code .ko} bytes of module {@code name}. */
  public byte[] plain(String name) {
    return decompress(find(name));
  }

  /**
   * A module file's plain ELF bytes: .ko.xz, .ko.zst and .ko.gz are decompressed (recognised by
   * their magic, not only their suffix), a plain .ko is returned as it is.
   */
  public static byte[] decompress(Path module) {
    try {
      return decompress(module.toString(), Files.readAllBytes(module));
    } catch (IOException e) {
      throw new InitramfsException("cannot read module " + module + ": " + e.getMessage(), e);
    }
  }

  /** As {@link #decompress(Path)} for bytes in memory; {@code name} appears in errors. */
  public static byte[] decompress(String name, byte[] content) {
    byte[] plain;
    try {
      if (startsWith(content, 0xFD, '7', 'z', 'X', 'Z', 0x00)) {
        plain = readBounded(name, new XZInputStream(new ByteArrayInputStream(content)));
      } else if (startsWith(content, 0x28, 0xB5, 0x2F, 0xFD)) {
        plain = readBounded(name, new ZstdInputStream(new ByteArrayInputStream(content)));
      } else if (startsWith(content, 0x1F, 0x8B)) {
        plain = readBounded(name, new GZIPInputStream(new ByteArrayInputStream(content)));
      } else {
        plain = content;
      }
    } catch (IOException e) {
      throw new InitramfsException(
          "cannot decompress module " + name + ": " + e.getMessage() + " (corrupt download?)", e);
    }
    if (!ElfHeaders.hasMagic(plain)) {
      throw new InitramfsException(
          "module "
              + name
              + " is not an ELF file after decompression (expected .ko, .ko.xz, .ko.zst or .ko.gz)");
    }
    return plain;
  }

  /** The module name of a file: pvpanic-pci.ko.xz -> pvpanic-pci; empty if it is no module. */
  public static Optional<String> moduleName(Path file) {
    String fileName = file.getFileName().toString();
    for (String suffix : SUFFIXES) {
      if (fileName.endsWith(suffix) && fileName.length() > suffix.length()) {
        return Optional.of(fileName.substring(0, fileName.length() - suffix.length()));
      }
    }
    return Optional.empty();
  }

  private static List<String> releasesIn(Path root) {
    List<String> releases = new ArrayList<>();
    for (String tree : TREES) {
      Path folder = root.resolve(tree);
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> list = Files.list(folder)) {
        list.filter(Files::isDirectory)
            .map(p -> p.getFileName().toString())
            .filter(r -> !releases.contains(r))
            .forEach(releases::add);
      } catch (IOException e) {
        throw new InitramfsException("cannot list " + folder + ": " + e.getMessage(), e);
      }
    }
    Collections.sort(releases);
    return releases;
  }

  private static String canonical(String name) {
    return name.replace('-', '_');
  }

  private static byte[] readBounded(String name, InputStream in) throws IOException {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_MODULE_BYTES + 1);
      if (bytes.length > MAX_MODULE_BYTES) {
        throw new InitramfsException(
            "module " + name + " decompresses to more than " + MAX_MODULE_BYTES + " bytes");
      }
      return bytes;
    }
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
