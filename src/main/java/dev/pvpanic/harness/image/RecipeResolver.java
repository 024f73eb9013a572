package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe.DebianKernel;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.DependencyClosure;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageEntry;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import dev.pvpanic.harness.image.kmod.KernelPackages;
import dev.pvpanic.harness.image.kmod.ToolchainPackages;
import dev.pvpanic.harness.image.qemu.DebianQemuPackages;
import dev.pvpanic.harness.machine.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a recipe against the mirror into the exact packages it is built from (what {@code images
 * lock} writes). Kernel meta packages are followed to the real ones; kexec-tools brings its shared
 * libraries; a recipe that builds pvpanic out of tree also pins the headers, kbuild and source, and
 * the cross toolchain of the kernel's suite with its host libraries.
 */
public final class RecipeResolver {
  static final List<String> USERLAND_ROOTS = List.of("busybox-static", "kexec-tools");
  // From 7.x the kernel's config (and System.map) is in linux-base-<release>, which linux-binary-*
  // depends on; without it a stock kernel's manifest cannot say it lacks a built-in pvpanic.
  // Not `linux-base` itself (Debian's kernel-support scripts).
  private static final Pattern KERNEL_PACKAGE =
      Pattern.compile("^linux-(image|binary|modules)-.*|^linux-base-\\d.*");
  private static final Pattern RELEASE_IN_NAME =
      Pattern.compile("^linux-(?:image|binary)-(\\d+\\.\\d+\\S*-[a-z][a-z0-9-]*?)(?:-unsigned)?$");

  private final DebianArchive archive;

  public RecipeResolver(DebianArchive archive) {
    this.archive = archive;
  }

  public RecipePins resolve(ImageRecipe recipe) {
    String arch = recipe.arch().debianArch();
    List<LockedPackage> kernel = List.of();
    List<LockedPackage> build = List.of();
    if (recipe.kernel() instanceof DebianKernel k) {
      PackagesIndex idx = archive.packages(k.suite(), arch);
      kernel = closure(idx, List.of(k.pkg()), k.exactVersion(), true);
      if (recipe.buildsModules()) {
        build = moduleBuild(k.suite(), recipe.arch(), kernel, recipe.pvpanic().builds());
      }
    }
    PackagesIndex user = archive.packages(recipe.userlandSuite(), arch);
    List<LockedPackage> userland = closure(user, USERLAND_ROOTS, Optional.empty(), false);
    return new RecipePins(kernel, userland, build);
  }

  /**
   * The kernel release ({@code uname -r}) named by the kernel packages, e.g. 6.12.95+deb12-arm64.
   */
  public static Optional<String> release(List<LockedPackage> kernel) {
    for (LockedPackage p : kernel) {
      Matcher m = RELEASE_IN_NAME.matcher(p.name());
      if (m.matches() && !m.group(1).matches("\\d+\\.\\d+-?[a-z]*")) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /**
   * The headers, kbuild and toolchain to build modules against the kernel; with {@code source} also
   * its linux-source (pvpanic's own source: the trigger modules bring theirs).
   */
  private List<LockedPackage> moduleBuild(
      String suite, Architecture arch, List<LockedPackage> kernel, boolean source) {
    String release =
        release(kernel)
            .orElseThrow(
                () -> new HarnessException("cannot tell the kernel release from " + kernel));
    String version =
        kernel.stream().filter(p -> p.name().endsWith(release)).findFirst().orElseThrow().version();
    KernelPackages names = KernelPackages.forRelease(release, version);
    PackagesIndex target = archive.packages(suite, arch.debianArch());
    String hostArch =
        Architecture.host()
            .orElseThrow(
                () -> new HarnessException("unsupported build host " + Settings.hostArch()))
            .debianArch();
    PackagesIndex host = archive.packages(suite, hostArch);
    List<LockedPackage> out = new ArrayList<>();
    PackageEntry headers = target.resolve(names.headers(), Optional.of(version));
    out.add(LockedPackage.of(suite, arch.debianArch(), headers));
    out.add(pin(target, suite, arch.debianArch(), names.headersCommon(), Optional.of(version)));
    // kbuild's fixdep and modpost run on the build host: its architecture, not the guest's
    PackageEntry kbuild = host.resolve(names.kbuild(), Optional.of(version));
    out.add(LockedPackage.of(suite, hostArch, kbuild));
    if (source) {
      out.add(pin(target, suite, arch.debianArch(), names.source(), Optional.of(version)));
    }
    out.addAll(toolchain(suite, names, headers, kbuild, host, hostArch));
    return out;
  }

  /**
   * The cross toolchain the kernel was built with, from the kernel's own suite (a backports suite
   * over its base), and the host libraries it and kbuild's tools need down to the C library: a
   * kernel from a newer Debian than the host builds with its own compiler, run through its own
   * loader (see {@link ToolchainPackages}).
   */
  private List<LockedPackage> toolchain(
      String suite,
      KernelPackages names,
      PackageEntry headers,
      PackageEntry kbuild,
      PackagesIndex host,
      String hostArch) {
    List<PackagesIndex> view = new ArrayList<>(List.of(host));
    DebianQemuPackages.baseSuite(suite).ifPresent(b -> view.add(archive.packages(b, hostArch)));
    return ToolchainPackages.resolve(view, names, headers, kbuild, hostArch);
  }

  private static LockedPackage pin(
      PackagesIndex idx, String suite, String arch, String name, Optional<String> version) {
    return LockedPackage.of(suite, arch, idx.resolve(name, version));
  }

  /**
   * The roots and what they depend on: for kernels only the kernel packages (image, binary,
   * modules), for the userland only shared libraries ({@code lib*}, {@code zlib*}).
   */
  private static List<LockedPackage> closure(
      PackagesIndex idx, List<String> roots, Optional<String> rootVersion, boolean kernel) {
    return new DependencyClosure(List.of(idx))
        .resolve(
            roots,
            rootVersion,
            kernel
                ? name -> KERNEL_PACKAGE.matcher(name).matches()
                : name -> name.startsWith("lib") || name.startsWith("zlib"));
  }
}
