package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe.DebianKernel;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageEntry;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import dev.pvpanic.harness.image.kmod.KernelPackages;
import dev.pvpanic.harness.machine.Architecture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a recipe against the mirror into the exact packages it is built from (what {@code images
 * lock} writes). Kernel meta packages are followed to the real ones; kexec-tools brings its shared
 * libraries; a recipe that builds pvpanic out of tree also pins the headers, kbuild and source.
 */
public final class RecipeResolver {
  static final List<String> USERLAND_ROOTS = List.of("busybox-static", "kexec-tools");
  private static final Pattern KERNEL_PACKAGE = Pattern.compile("^linux-(image|binary|modules)-.*");
  private static final Pattern DEPENDENCY =
      Pattern.compile(
          "^\\s*([a-z0-9][a-z0-9.+-]*)(?::[a-z0-9]+)?\\s*(?:\\((=|>=|<=|>>|<<)\\s*([^)]+)\\))?");
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
      kernel = closure(idx, k.suite(), arch, List.of(k.pkg()), k.exactVersion(), true);
      if (recipe.pvpanic() == ImageRecipe.DriverPolicy.BUILD) {
        build = moduleBuild(k.suite(), recipe.arch(), kernel);
      }
    }
    PackagesIndex user = archive.packages(recipe.userlandSuite(), arch);
    List<LockedPackage> userland =
        closure(user, recipe.userlandSuite(), arch, USERLAND_ROOTS, Optional.empty(), false);
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

  private List<LockedPackage> moduleBuild(
      String suite, Architecture arch, List<LockedPackage> kernel) {
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
                () ->
                    new HarnessException("unsupported build host " + Settings.system().hostArch()))
            .debianArch();
    PackagesIndex host = archive.packages(suite, hostArch);
    List<LockedPackage> out = new ArrayList<>();
    out.add(pin(target, suite, arch.debianArch(), names.headers(), Optional.of(version)));
    out.add(pin(target, suite, arch.debianArch(), names.headersCommon(), Optional.of(version)));
    // kbuild's fixdep and modpost run on the build host: its architecture, not the guest's
    out.add(pin(host, suite, hostArch, names.kbuild(), Optional.of(version)));
    out.add(pin(target, suite, arch.debianArch(), names.source(), Optional.of(version)));
    return out;
  }

  private static LockedPackage pin(
      PackagesIndex idx, String suite, String arch, String name, Optional<String> version) {
    return LockedPackage.of(suite, arch, idx.resolve(name, version));
  }

  /**
   * The roots and what they depend on: for kernels only the kernel packages (image, binary,
   * modules), for the userland only shared libraries ({@code lib*}, {@code zlib*}). First
   * alternatives only; an exact {@code (= v)} dependency is taken at that version.
   */
  private static List<LockedPackage> closure(
      PackagesIndex idx,
      String suite,
      String arch,
      List<String> roots,
      Optional<String> rootVersion,
      boolean kernel) {
    Map<String, LockedPackage> seen = new LinkedHashMap<>();
    Deque<Map.Entry<String, Optional<String>>> todo = new ArrayDeque<>();
    roots.forEach(r -> todo.add(Map.entry(r, rootVersion)));
    while (!todo.isEmpty()) {
      Map.Entry<String, Optional<String>> next = todo.poll();
      if (seen.containsKey(next.getKey())) {
        continue;
      }
      PackageEntry e = idx.resolve(next.getKey(), next.getValue());
      seen.put(e.name(), LockedPackage.of(suite, arch, e));
      for (String dep : (e.depends() == null ? "" : e.depends()).split(",")) {
        String first = dep.split("\\|")[0];
        Matcher m = DEPENDENCY.matcher(first);
        if (!m.find()) {
          continue;
        }
        String name = m.group(1);
        boolean follow =
            kernel
                ? KERNEL_PACKAGE.matcher(name).matches()
                : name.startsWith("lib") || name.startsWith("zlib");
        if (!follow || seen.containsKey(name)) {
          continue;
        }
        if (idx.versions(name).isEmpty()) {
          List<PackageEntry> providers = idx.providersOf(name);
          if (providers.isEmpty()) {
            continue;
          }
          name = providers.get(0).name();
        }
        Optional<String> exact =
            "=".equals(m.group(2)) ? Optional.of(m.group(3).strip()) : Optional.empty();
        todo.add(Map.entry(name, exact));
      }
    }
    return List.copyOf(seen.values());
  }
}
