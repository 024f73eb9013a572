package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.elf.ElfHeaders;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds modules a Debian kernel lacks from that kernel's own source, against its own headers:
 *
 * <pre>
 * make -C &lt;headers&gt;/usr/src/linux-headers-6.12.95+deb12-arm64 M=&lt;module-dir&gt;
 *      ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-gnu-gcc-12
 *      CONFIG_DEBUG_INFO_BTF_MODULES= modules
 * </pre>
 *
 * {@code CONFIG_DEBUG_INFO_BTF_MODULES=} skips BTF generation, which would need pahole; Debian's
 * headers set {@code ARCH} and {@code CROSS_COMPILE} themselves ({@code .kernelvariables}), they
 * are passed anyway so the command says what it builds. The result is checked before it is
 * returned: relocatable ELF for the kernel's architecture, vermagic of this kernel release (and
 * equal to an expected one when given, e.g. read with {@link ModuleInfo#read} from one of the
 * kernel's own modules). The modules are unsigned: the kernel loads them and taints itself.
 */
public final class OutOfTreeModuleBuild {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  static final String LOG_NAME = "make.log";

  private final Path headerRoot;
  private final Path kernelSource;
  private final KernelPackages packages;
  private final CrossCompiler compiler;
  private final ModuleSet moduleSet;
  private final Optional<String> expectedVermagic;
  private final Duration timeout;

  /**
   * @param headerRoot the folder the headers, headers-common and kbuild {@code .deb}s were
   *     extracted into together (symlinks as in the packages; they are fixed here)
   * @param kernelSource the {@code linux-source-*.tar.xz}, or the {@code linux-source-*.deb}
   * @param packages the kernel release and package version
   * @param compiler from {@link CrossCompiler#find}, the major version the kernel was built with
   */
  public OutOfTreeModuleBuild(
      Path headerRoot, Path kernelSource, KernelPackages packages, CrossCompiler compiler) {
    this(
        headerRoot,
        kernelSource,
        packages,
        compiler,
        ModuleSet.PVPANIC,
        Optional.empty(),
        DEFAULT_TIMEOUT);
  }

  private OutOfTreeModuleBuild(
      Path headerRoot,
      Path kernelSource,
      KernelPackages packages,
      CrossCompiler compiler,
      ModuleSet moduleSet,
      Optional<String> expectedVermagic,
      Duration timeout) {
    this.headerRoot = Objects.requireNonNull(headerRoot, "headerRoot");
    this.kernelSource = Objects.requireNonNull(kernelSource, "kernelSource");
    this.packages = Objects.requireNonNull(packages, "packages");
    this.compiler = Objects.requireNonNull(compiler, "compiler");
    this.moduleSet = Objects.requireNonNull(moduleSet, "moduleSet");
    this.expectedVermagic = expectedVermagic;
    this.timeout = timeout;
  }

  /** Builds another set of modules than pvpanic. */
  public OutOfTreeModuleBuild modules(ModuleSet set) {
    return new OutOfTreeModuleBuild(
        headerRoot, kernelSource, packages, compiler, set, expectedVermagic, timeout);
  }

  /** Builds the modules without their device tables ({@link ModuleSet#withoutDeviceTables}). */
  public OutOfTreeModuleBuild withoutDeviceTables() {
    return modules(moduleSet.withoutDeviceTables());
  }

  /** Also requires the built modules' vermagic to equal this exactly. */
  public OutOfTreeModuleBuild expectingVermagic(String vermagic) {
    return new OutOfTreeModuleBuild(
        headerRoot, kernelSource, packages, compiler, moduleSet, Optional.of(vermagic), timeout);
  }

  /** Bounds the make run (default {@link #DEFAULT_TIMEOUT}). */
  public OutOfTreeModuleBuild timeout(Duration limit) {
    return new OutOfTreeModuleBuild(
        headerRoot, kernelSource, packages, compiler, moduleSet, expectedVermagic, limit);
  }

  /**
   * Builds in {@code workDir} (its module folder is emptied first) and returns the checked modules.
   * Throws {@link ModuleBuildException} naming what is missing or wrong.
   */
  public BuiltModules run(Path workDir) {
    HeaderTree tree = HeaderTree.prepare(headerRoot, packages);
    checkCompilerMatches(tree);
    Path moduleDir = workDir.toAbsolutePath().normalize().resolve(moduleSet.modules().get(0));
    requireKbuildSafe(moduleDir);
    requireKbuildSafe(tree.buildDir());
    recreate(moduleDir);
    KernelSourceFiles.extract(
        kernelSource, moduleSet.sourceDir(), moduleSet.sourceFiles(), moduleDir);
    if (moduleSet.dropDeviceTables()) {
      for (String f : moduleSet.sourceFiles()) {
        Path file = moduleDir.resolve(f);
        try {
          write(file, moduleSet.prepare(Files.readString(file)));
        } catch (IOException e) {
          throw new ModuleBuildException("cannot read " + file + ": " + e.getMessage(), e);
        }
      }
    }
    write(moduleDir.resolve("Kbuild"), moduleSet.kbuild());
    return make(tree, moduleDir, moduleSet.modules(), packages.sourcePackage());
  }

  /**
   * Builds a module of the harness's own: the regular files of {@code sources} (its {@code .c}
   * files and {@code Kbuild}) copied into {@code workDir/<first module>}, built and checked like
   * {@link #run}. The kernel source given to the constructor is not read.
   */
  public BuiltModules runOwn(Path workDir, Path sources, List<String> modules) {
    HeaderTree tree = HeaderTree.prepare(headerRoot, packages);
    checkCompilerMatches(tree);
    Path moduleDir = workDir.toAbsolutePath().normalize().resolve(modules.get(0));
    requireKbuildSafe(moduleDir);
    requireKbuildSafe(tree.buildDir());
    recreate(moduleDir);
    StringBuilder hashes = new StringBuilder();
    try (Stream<Path> files = Files.list(sources)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        Files.copy(f, moduleDir.resolve(f.getFileName().toString()));
        hashes.append(f.getFileName()).append(' ').append(sha256(f)).append('\n');
      }
    } catch (IOException e) {
      throw new ModuleBuildException("cannot copy " + sources + " to " + moduleDir + ": " + e, e);
    }
    // the module's source is the harness's folder, named with a hash of its files
    PackageRef own =
        new PackageRef(
            "harness:" + sources.getFileName(), "sha256:" + Sha256.of(hashes.toString()));
    return make(tree, moduleDir, modules, own);
  }

  /** Runs make in {@code moduleDir} and checks {@code modules}. */
  private BuiltModules make(
      HeaderTree tree, Path moduleDir, List<String> modules, PackageRef source) {
    Path log = moduleDir.getParent().resolve(LOG_NAME);
    List<String> argv =
        makeCommand(
            tree.buildDir().toString(),
            moduleDir.toString(),
            // the image's work folder (an extracted toolchain is in it too)
            commonFolder(List.of(headerRoot.toAbsolutePath().normalize(), moduleDir)).toString());
    new LoggedCommand(argv, moduleDir, Map.of("PATH", pathWithCompilerFirst())).run(log, timeout);

    List<Path> built = new ArrayList<>();
    Map<String, String> sha256 = new LinkedHashMap<>();
    String vermagic = null;
    for (String module : modules) {
      Path ko = moduleDir.resolve(module + ".ko");
      if (!Files.isRegularFile(ko)) {
        throw new ModuleBuildException(
            "make finished but did not write " + ko + " (see " + log + ")");
      }
      String v = checkModule(ModuleInfo.read(ko));
      if (vermagic != null && !vermagic.equals(v)) {
        throw new ModuleBuildException(
            "modules disagree on vermagic: '" + vermagic + "' and '" + v + "' (" + ko + ")");
      }
      vermagic = v;
      built.add(ko);
      sha256.put(ko.getFileName().toString(), sha256(ko));
    }
    ModuleProvenance provenance =
        new ModuleProvenance(
            source,
            packages.buildTree(),
            compiler.versionText(),
            makeCommand(
                "<headers>/" + headerRoot.toAbsolutePath().normalize().relativize(tree.buildDir()),
                "<module-dir>",
                "<work>"),
            vermagic,
            sha256);
    return new BuiltModules(built, provenance, log);
  }

  /**
   * The make argv for a headers folder and a module folder. {@code work}, the folder both are in
   * (with the toolchain), is mapped to {@value #BUILD_PREFIX} in everything the compiler writes
   * ({@code -ffile-prefix-map}: the debug info's file names and folders, {@code __FILE__}): the
   * work folder's name is random, and without the map each build of the same pins gave another
   * module.
   */
  List<String> makeCommand(String buildDir, String moduleDir, String work) {
    return List.of(
        "make",
        "-C",
        buildDir,
        "M=" + moduleDir,
        "ARCH=" + compiler.arch().kbuildArch(),
        "CROSS_COMPILE=" + compiler.crossPrefix(),
        "CC=" + compiler.command(),
        "KCFLAGS=-ffile-prefix-map=" + work + "=" + BUILD_PREFIX,
        "CONFIG_DEBUG_INFO_BTF_MODULES=",
        "modules");
  }

  /** What the work folder is called inside the built modules. */
  static final String BUILD_PREFIX = "/pvh-build";

  /** The deepest folder holding all of {@code paths} (absolute). */
  static Path commonFolder(List<Path> paths) {
    Path common = paths.get(0).toAbsolutePath().normalize();
    for (Path p : paths) {
      Path abs = p.toAbsolutePath().normalize();
      while (!abs.startsWith(common)) {
        common = common.getParent();
      }
    }
    return common;
  }

  /** Checks one built module; returns its vermagic. */
  String checkModule(ModuleInfo info) {
    if (info.elfType() != ElfHeaders.ET_REL) {
      throw new ModuleBuildException(
          info.file() + " is ELF type " + info.elfType() + ", expected 1 (relocatable)");
    }
    if (info.elfMachine() != compiler.arch().elfMachine()) {
      throw new ModuleBuildException(
          info.file()
              + " is for ELF machine "
              + info.elfMachine()
              + ", expected "
              + compiler.arch().elfMachine()
              + " ("
              + compiler.arch().debianArch()
              + ")");
    }
    String vermagic = info.vermagic();
    if (!vermagic.startsWith(packages.release() + " ")) {
      throw new ModuleBuildException(
          info.file()
              + " has vermagic '"
              + vermagic
              + "', which is not for kernel "
              + packages.release());
    }
    if (expectedVermagic.isPresent() && !expectedVermagic.get().equals(vermagic)) {
      throw new ModuleBuildException(
          info.file()
              + " has vermagic '"
              + vermagic
              + "', the kernel's is '"
              + expectedVermagic.get()
              + "': it would refuse to load it");
    }
    return vermagic;
  }

  private void checkCompilerMatches(HeaderTree tree) {
    if (!"y".equals(tree.config(compiler.arch().configSymbol()).orElse(""))) {
      throw new ModuleBuildException(
          packages.headers()
              + " is not a "
              + compiler.arch().debianArch()
              + " kernel ("
              + compiler.arch().configSymbol()
              + " is not set), but the compiler is "
              + compiler.command());
    }
    Optional<String> gccVersion = tree.config("CONFIG_GCC_VERSION");
    if (gccVersion.isPresent()) {
      int kernelMajor = Integer.parseInt(gccVersion.get()) / 10000;
      if (kernelMajor != compiler.gccMajor()) {
        throw new ModuleBuildException(
            packages.release()
                + " was built with gcc "
                + kernelMajor
                + " ("
                + tree.config("CONFIG_CC_VERSION_TEXT").orElse("?")
                + "), the compiler given is "
                + compiler.versionText()
                + ": use CrossCompiler.find(\""
                + compiler.arch().debianArch()
                + "\", "
                + kernelMajor
                + ")");
      }
    }
  }

  private String pathWithCompilerFirst() {
    String path =
        Settings.pathFolders().stream()
            .map(Path::toString)
            .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    String dir = compiler.gcc().getParent().toString();
    return path.isEmpty() ? dir : dir + File.pathSeparator + path;
  }

  private static void requireKbuildSafe(Path dir) {
    String s = dir.toString();
    if (s.contains(" ") || s.contains(":")) {
      throw new ModuleBuildException(
          "kbuild cannot build in a path with a space or a colon: " + dir);
    }
  }

  private static void recreate(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ModuleBuildException("cannot empty " + dir + ": " + e, e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModuleBuildException("cannot write " + file + ": " + e, e);
    }
  }

  private static String sha256(Path file) {
    try {
      return Sha256.of(file);
    } catch (IOException e) {
      throw new ModuleBuildException("cannot hash " + file + ": " + e, e);
    }
  }
}
