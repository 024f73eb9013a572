package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GNU cross compiler for one kernel architecture, found on PATH under Debian's name ({@code
 * aarch64-linux-gnu-gcc-12} from the package {@code gcc-12-aarch64-linux-gnu}). The matching
 * binutils ({@code aarch64-linux-gnu-ld} etc.) come with it as a dependency and are checked too:
 * kbuild calls them through {@code CROSS_COMPILE}.
 *
 * @param arch the target architecture
 * @param gcc the compiler's path
 * @param versionText the first line of {@code gcc --version}, for the image manifest
 */
public record CrossCompiler(KernelArch arch, Path gcc, String versionText) {

  /** Bookworm's gcc, the one Debian built its 6.12 backports kernels with. */
  public static final int DEFAULT_GCC_MAJOR = 12;

  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern GCC_VERSION = Pattern.compile("\\) (\\d+)\\.(\\d+)\\.(\\d+)");

  /** The cross gcc-12 for {@code arch} (arm64/aarch64, amd64/x86_64). */
  public static CrossCompiler find(String arch) {
    return find(arch, DEFAULT_GCC_MAJOR);
  }

  /** The cross gcc of that major version for {@code arch}. */
  public static CrossCompiler find(String arch, int gccMajor) {
    return find(KernelArch.parse(arch), gccMajor, searchPath());
  }

  static CrossCompiler find(KernelArch arch, int gccMajor, List<Path> searchPath) {
    String gccName = gccName(arch, gccMajor);
    Optional<Path> gcc = onPath(gccName, searchPath);
    Optional<Path> ld = onPath(arch.crossPrefix() + "ld", searchPath);
    if (gcc.isEmpty() || ld.isEmpty()) {
      throw new ModuleBuildException(missingMessage(arch, gccMajor, searchPath, gcc.isEmpty()));
    }
    return new CrossCompiler(arch, gcc.get(), version(gcc.get()));
  }

  /** {@code aarch64-linux-gnu-gcc-12}: the command kbuild is given as {@code CC}. */
  public String command() {
    return gcc.getFileName().toString();
  }

  /** {@code aarch64-linux-gnu-}: kbuild's {@code CROSS_COMPILE}, the binutils prefix. */
  public String crossPrefix() {
    return arch.crossPrefix();
  }

  /** The major version in {@link #versionText()}; throws when it shows none. */
  public int gccMajor() {
    Matcher m = GCC_VERSION.matcher(versionText);
    if (!m.find()) {
      throw new ModuleBuildException(
          "no gcc version in '" + versionText + "' (from " + gcc + " --version)");
    }
    return Integer.parseInt(m.group(1));
  }

  static String gccName(KernelArch arch, int gccMajor) {
    return arch.crossPrefix() + "gcc-" + gccMajor;
  }

  /** Debian's package name: {@code gcc-12-aarch64-linux-gnu}, {@code gcc-12-x86-64-linux-gnu}. */
  static String debianPackage(KernelArch arch, int gccMajor) {
    String triplet = arch.crossPrefix().substring(0, arch.crossPrefix().length() - 1);
    return "gcc-" + gccMajor + "-" + triplet.replace('_', '-');
  }

  static String missingMessage(
      KernelArch arch, int gccMajor, List<Path> searchPath, boolean gccMissing) {
    String missing = gccMissing ? gccName(arch, gccMajor) : arch.crossPrefix() + "ld";
    return "no "
        + arch.debianArch()
        + " cross compiler: "
        + missing
        + " is not on PATH (searched "
        + searchPath
        + "). On Debian install it with: apt-get install "
        + debianPackage(arch, gccMajor)
        + " (it brings binutils-"
        + arch.crossPrefix().substring(0, arch.crossPrefix().length() - 1).replace('_', '-')
        + ")";
  }

  private static Optional<Path> onPath(String name, List<Path> searchPath) {
    return searchPath.stream()
        .map(dir -> dir.resolve(name))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  private static List<Path> searchPath() {
    List<Path> dirs = new ArrayList<>(Settings.pathFolders());
    return dirs;
  }

  private static String version(Path gcc) {
    try {
      Path log = Files.createTempFile("pvh-gcc-version", ".log");
      try {
        return new LoggedCommand(List.of(gcc.toString(), "--version"), gcc.getParent(), Map.of())
            .firstLine(log, VERSION_TIMEOUT);
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new ModuleBuildException("cannot run " + gcc + " --version: " + e, e);
    }
  }
}
