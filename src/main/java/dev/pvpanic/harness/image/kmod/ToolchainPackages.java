package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.image.debian.DependencyClosure;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageEntry;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Debian packages of the cross toolchain a kernel was built with, taken from that kernel's own
 * suite (not the build host's): the compiler driver {@code gcc-N-<triplet>}, its {@code
 * cpp-N-<triplet>} (cc1), {@code binutils-<triplet>} (as, ld, objcopy...) and {@code
 * libgcc-N-dev-<arch>-cross} (the compiler's own include folder), then the host shared libraries
 * these and the kernel's kbuild tools need, down to the C library and its loader: they run through
 * that loader ({@link ExtractedToolchain}), so a kernel of a newer Debian than the host's builds
 * with its own compiler.
 *
 * <p>The major version N is what the kernel's headers package depends on: Debian's {@code
 * linux-headers-<release>} {@code Depends} on {@code gcc-N-for-host} (7.x; e.g. sid's 7.2.13 on
 * gcc-16-for-host, trixie-backports' 7.3.4 on gcc-14-for-host) or {@code gcc-N}: the compiler the
 * kernel was built with, which is what kbuild must build its modules with. The headers' {@code
 * CONFIG_GCC_VERSION} is checked against the compiler again before the build ({@link
 * OutOfTreeModuleBuild}).
 */
public final class ToolchainPackages {
  private static final Pattern GCC_DEPENDENCY = Pattern.compile("^gcc-(\\d+)(?:-for-host)?$");

  private ToolchainPackages() {}

  /**
   * The toolchain's pins for a kernel's module build: the roots for the gcc its headers name,
   * kbuild's own libraries, and {@code libc6}, with what they need as far as {@link #follow} goes,
   * each at the newest version {@code view} (the kernel's suite for the build host's architecture,
   * then its base suite for a backports one) lists.
   */
  public static List<LockedPackage> resolve(
      List<PackagesIndex> view,
      KernelPackages names,
      PackageEntry headers,
      PackageEntry kbuild,
      String hostArch) {
    List<String> headerDeps =
        DependencyClosure.dependencies(headers.depends()).stream().map(Map.Entry::getKey).toList();
    KernelArch target = names.arch();
    int major =
        gccMajor(headerDeps)
            .orElseThrow(
                () ->
                    new ModuleBuildException(
                        names.headers()
                            + " names no compiler in its Depends ("
                            + headers.depends()
                            + "): cannot tell which gcc built "
                            + names.release()));
    List<String> roots = new ArrayList<>(roots(target, major, hostArch));
    for (Map.Entry<String, Optional<String>> dep :
        DependencyClosure.dependencies(kbuild.depends())) {
      if (follow(dep.getKey(), target, major)) {
        roots.add(dep.getKey()); // kbuild's own libraries (libelf, libssl...)
      }
    }
    if (!roots.contains("libc6")) {
      roots.add("libc6"); // the loader everything runs through
    }
    return new DependencyClosure(view)
        .resolve(roots, Optional.empty(), n -> follow(n, target, major));
  }

  /** The gcc major version the headers package's {@code Depends} names, if it names one. */
  public static Optional<Integer> gccMajor(List<String> headersDependencies) {
    for (String dep : headersDependencies) {
      Matcher m = GCC_DEPENDENCY.matcher(dep);
      if (m.matches()) {
        return Optional.of(Integer.parseInt(m.group(1)));
      }
    }
    return Optional.empty();
  }

  /** The major version N of the pinned {@code gcc-N-<triplet>} among a toolchain's pins. */
  public static Optional<Integer> gccMajorOfPins(List<String> names, KernelArch target) {
    Pattern gcc =
        Pattern.compile("^gcc-(\\d+)-" + Pattern.quote(triplet(target).replace('_', '-')) + "$");
    for (String name : names) {
      Matcher m = gcc.matcher(name);
      if (m.matches()) {
        return Optional.of(Integer.parseInt(m.group(1)));
      }
    }
    return Optional.empty();
  }

  /**
   * The packages to resolve, for kernels of {@code target} built with gcc {@code gccMajor} on a
   * {@code hostArch} (Debian name) machine. A native toolchain (target = host) has the same
   * triplet-named compiler and binutils packages (Debian's gcc-14 on amd64 depends on
   * gcc-14-x86-64-linux-gnu), but its compiler's own files are in {@code libgcc-N-dev}, not a
   * {@code -cross} package.
   */
  public static List<String> roots(KernelArch target, int gccMajor, String hostArch) {
    return List.of(
        CrossCompiler.debianPackage(target, gccMajor),
        binutils(target),
        target.debianArch().equals(hostArch)
            ? "libgcc-" + gccMajor + "-dev"
            : "libgcc-" + gccMajor + "-dev-" + target.debianArch() + "-cross");
  }

  /** {@code binutils-aarch64-linux-gnu}. */
  static String binutils(KernelArch target) {
    return "binutils-" + triplet(target).replace('_', '-');
  }

  /**
   * Whether the closure follows a dependency: the compiler's own {@code cpp-N-<triplet>} and host
   * shared libraries; not the target's runtime libraries ({@code *-cross}: nothing links against
   * them when building modules) nor documentation packages ({@code *-base}, binutils-common).
   */
  public static boolean follow(String name, KernelArch target, int gccMajor) {
    if (name.equals("cpp-" + gccMajor + "-" + triplet(target).replace('_', '-'))) {
      return true;
    }
    return (name.startsWith("lib") || name.startsWith("zlib")) && !name.endsWith("-cross");
  }

  /**
   * Whether a pinned module-build package belongs to the toolchain rather than to the kernel's own
   * tree (its headers, kbuild and source).
   */
  public static boolean isToolchain(String name) {
    return !name.startsWith("linux-headers-")
        && !name.startsWith("linux-kbuild-")
        && !name.startsWith("linux-source-");
  }

  private static String triplet(KernelArch target) {
    String prefix = target.crossPrefix();
    return prefix.substring(0, prefix.length() - 1);
  }
}
