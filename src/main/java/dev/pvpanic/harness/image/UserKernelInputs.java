package dev.pvpanic.harness.image;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageRecipe.LocalBuild;
import dev.pvpanic.harness.image.ImageRecipe.LocalKernel;
import dev.pvpanic.harness.image.kmod.ModuleBuildException;
import dev.pvpanic.harness.image.kmod.TreeMake;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The files of a user's kernel that is no package, read and checked before an image is built: a
 * build folder ({@code build:}, its modules installed by the harness with {@code make
 * modules_install} into a folder of its own under the cache), or a kernel image, config and modules
 * folder named one by one ({@code files:}, or a recipe's {@code kernel: image:}). The image key
 * covers every byte of them ({@link #hashInto}); the manifest records their hashes, the release,
 * the compiler and the git checkout ({@link #description}).
 *
 * <p>Closing it removes the modules the harness installed.
 */
final class UserKernelInputs implements AutoCloseable {
  /**
   * Modules the harness loads, by config symbol: one the config says is {@code m} must be a file
   * among the tree's modules, else the image would silently go without it.
   */
  static final List<String[]> CONFIGURED_MODULES =
      List.of(
          new String[] {"CONFIG_PVPANIC_PCI", "pvpanic-pci", "drivers/misc/pvpanic/pvpanic-pci.ko"},
          new String[] {
            "CONFIG_PVPANIC_MMIO", "pvpanic-mmio", "drivers/misc/pvpanic/pvpanic-mmio.ko"
          },
          new String[] {"CONFIG_I6300ESB_WDT", "i6300esb", "drivers/watchdog/i6300esb.ko"});

  private final String kind;
  private final Architecture arch;
  private final Path image;
  private final Optional<Path> config;
  private final Optional<KernelConfig> parsed;
  private final String release;
  private final Optional<Path> modules;
  private final Optional<KernelBuildTree> tree;
  private final Map<String, Object> modulesOrigin;
  private final Optional<Path> installed;

  private UserKernelInputs(
      String kind,
      Architecture arch,
      Path image,
      Optional<Path> config,
      Optional<KernelConfig> parsed,
      String release,
      Optional<Path> modules,
      Optional<KernelBuildTree> tree,
      Map<String, Object> modulesOrigin,
      Optional<Path> installed) {
    this.kind = kind;
    this.arch = arch;
    this.image = image;
    this.config = config;
    this.parsed = parsed;
    this.release = release;
    this.modules = modules;
    this.tree = tree;
    this.modulesOrigin = modulesOrigin;
    this.installed = installed;
  }

  /**
   * The inputs of {@code r}, when its kernel is a build folder or files named one by one; {@code
   * cacheDir} holds the modules the harness installs from a build folder.
   */
  static Optional<UserKernelInputs> of(ImageRecipe r, Path cacheDir, Consumer<String> log) {
    if (r.kernel() instanceof LocalBuild b) {
      return Optional.of(fromBuild(r.name(), b, cacheDir, log));
    }
    if (r.kernel() instanceof LocalKernel k) {
      return Optional.of(fromFiles(r.name(), k, UserKernels.kind(r.name()).isPresent()));
    }
    return Optional.empty();
  }

  static UserKernelInputs fromBuild(
      String value, LocalBuild b, Path cacheDir, Consumer<String> log) {
    KernelBuildTree tree = KernelBuildTree.open(value, b.folder());
    Optional<Path> modules = Optional.empty();
    Optional<Path> installed = Optional.empty();
    Map<String, Object> origin = new LinkedHashMap<>();
    if (b.modules().isPresent()) {
      modules = Optional.of(modulesFolder(value, b.modules().get(), Optional.of(tree.release())));
      origin.put("origin", "folder");
      origin.put("folder", b.modules().get().toString());
    } else if (tree.parsedConfig().builtIn("CONFIG_MODULES")) {
      Path work;
      try {
        work =
            Files.createTempDirectory(
                Files.createDirectories(cacheDir.resolve("user-kernels")), "modules-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      installed = Optional.of(work);
      TreeMake make = tree.make();
      log.accept(
          "installing the modules of " + b.folder() + " (make modules_install) into " + work);
      try {
        make.modulesInstall(work.resolve("root"), work.resolve("modules_install.log"));
      } catch (ModuleBuildException e) {
        deleteQuietly(work);
        throw new RecipeException(
            value
                + ": 'make modules_install' failed in "
                + b.folder()
                + "; build the modules first (make -C "
                + b.folder()
                + " -j$(nproc) modules) or give a modules folder (build:"
                + b.folder()
                + ",modules=DIR):\n"
                + e.getMessage(),
            e);
      }
      Path dir = work.resolve("root/lib/modules").resolve(tree.release());
      if (!Files.isDirectory(dir)) {
        deleteQuietly(work);
        throw new RecipeException(
            value
                + ": 'make modules_install' wrote no lib/modules/"
                + tree.release()
                + " (release from include/config/kernel.release); rebuild the tree");
      }
      modules = Optional.of(dir);
      origin.put("origin", "make modules_install");
      origin.put("command", String.join(" ", installCommand(make)));
    } else {
      origin.put("origin", "none: CONFIG_MODULES is not set");
    }
    UserKernelInputs inputs =
        new UserKernelInputs(
            "build",
            tree.arch(),
            tree.bootImage(),
            Optional.of(tree.config()),
            Optional.of(tree.parsedConfig()),
            tree.release(),
            modules,
            Optional.of(tree),
            origin,
            installed);
    try {
      inputs.requireConfiguredModules(value);
    } catch (RecipeException e) {
      inputs.close();
      throw e;
    }
    return inputs;
  }

  private static List<String> installCommand(TreeMake make) {
    return List.of(
        "make",
        "-C",
        make.folder().toString(),
        "ARCH=" + dev.pvpanic.harness.image.kmod.TreeMake.makeArch(make.arch()),
        "modules_install",
        "INSTALL_MOD_PATH=<cache>",
        "INSTALL_MOD_STRIP=1");
  }

  static UserKernelInputs fromFiles(String value, LocalKernel k, boolean configRequired) {
    Path image = k.image();
    if (!Files.isRegularFile(image)) {
      throw new RecipeException(
          value
              + ": the kernel image "
              + image
              + " does not exist; valid: "
              + UserKernels.FILES_FORM);
    }
    Architecture arch =
        KernelImageFormat.of(image)
            .orElseThrow(
                () ->
                    new RecipeException(
                        value
                            + ": "
                            + image
                            + " is no boot image the harness recognises: give an x86 bzImage"
                            + " (arch/x86/boot/bzImage) or an uncompressed arm64/riscv Image"
                            + " (arch/<arch>/boot/Image), not vmlinux or Image.gz"));
    Optional<KernelConfig> parsed = Optional.empty();
    if (k.config().isPresent()) {
      Path c = k.config().get();
      if (!Files.isRegularFile(c)) {
        throw new RecipeException(
            value + ": the config " + c + " does not exist; give the tree's .config");
      }
      KernelConfig cfg = readConfig(value, c);
      Architecture configured = configArch(value, c, cfg);
      if (configured != arch) {
        throw new RecipeException(
            value
                + ": "
                + image
                + " is an "
                + arch.id()
                + " kernel but "
                + c
                + " configures "
                + configured.id()
                + "; give the config the image was built from");
      }
      parsed = Optional.of(cfg);
    } else if (configRequired) {
      throw new RecipeException(
          value
              + ": no config named; the oracle reads the kernel's own: "
              + UserKernels.FILES_FORM);
    }
    Optional<String> fromImage = KernelImageFormat.release(image);
    Optional<Path> modules = k.modules().map(m -> modulesFolder(value, m, fromImage));
    String release =
        modules.map(m -> m.getFileName().toString()).or(() -> fromImage).orElse("local");
    Map<String, Object> origin = new LinkedHashMap<>();
    origin.put("origin", modules.isPresent() ? "folder" : "none given");
    k.modules().ifPresent(m -> origin.put("folder", m.toString()));
    UserKernelInputs inputs =
        new UserKernelInputs(
            "files",
            arch,
            image,
            k.config(),
            parsed,
            release,
            modules,
            Optional.empty(),
            origin,
            Optional.empty());
    inputs.requireConfiguredModules(value);
    return inputs;
  }

  /**
   * The {@code lib/modules/<release>} folder in {@code given}: the folder itself (it holds {@code
   * modules.order} or {@code kernel/}), or the one release under its {@code lib/modules} (an {@code
   * INSTALL_MOD_PATH}), preferring {@code release} when several are there.
   */
  static Path modulesFolder(String value, Path given, Optional<String> release) {
    if (!Files.isDirectory(given)) {
      throw new RecipeException(
          value
              + ": the modules folder "
              + given
              + " does not exist; give lib/modules/<release> or the INSTALL_MOD_PATH of 'make"
              + " modules_install'");
    }
    if (Files.exists(given.resolve("modules.order"))
        || Files.isDirectory(given.resolve("kernel"))) {
      return given;
    }
    for (String sub : List.of("lib/modules", "usr/lib/modules")) {
      Path dir = given.resolve(sub);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> releases;
      try (Stream<Path> s = Files.list(dir)) {
        releases = s.filter(Files::isDirectory).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Optional<Path> wanted = release.map(dir::resolve).filter(Files::isDirectory);
      if (wanted.isPresent()) {
        return wanted.get();
      }
      if (releases.size() == 1) {
        return releases.get(0);
      }
      throw new RecipeException(
          value
              + ": "
              + dir
              + " holds the modules of "
              + releases.stream().map(p -> p.getFileName().toString()).toList()
              + "; give the one folder of the kernel's release");
    }
    throw new RecipeException(
        value
            + ": "
            + given
            + " holds no kernel modules (no modules.order, kernel/ or lib/modules/<release>);"
            + " give lib/modules/<release> or the INSTALL_MOD_PATH of 'make modules_install'");
  }

  /** A module the config says is {@code m} but no file provides: refused, naming the file. */
  void requireConfiguredModules(String value) {
    if (parsed.isEmpty()) {
      return;
    }
    for (String[] m : CONFIGURED_MODULES) {
      if (parsed.get().tristate(m[0]) != KernelConfig.Tristate.M) {
        continue;
      }
      String where =
          tree.map(t -> " (the tree builds it as " + t.folder().resolve(m[2]) + ")").orElse("");
      if (modules.isEmpty()) {
        throw new RecipeException(
            value
                + ": "
                + m[0]
                + "=m but no modules were given, so "
                + m[1]
                + ".ko is missing"
                + where
                + "; give the modules folder, or build the driver in ("
                + m[0]
                + "=y)");
      }
      if (findModule(modules.get(), m[1]).isEmpty()) {
        throw new RecipeException(
            value
                + ": "
                + m[0]
                + "=m but "
                + modules.get().resolve("kernel").resolve(m[2])
                + " does not exist"
                + where
                + "; build the tree's modules (make -j$(nproc) modules) or build the driver in ("
                + m[0]
                + "=y)");
      }
    }
  }

  /** The module file called {@code name} ('-' and '_' alike, any compression), if any. */
  static Optional<Path> findModule(Path dir, String name) {
    String wanted = name.replace('-', '_');
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p ->
                  p.getFileName()
                          .toString()
                          .replaceFirst("\\.ko(\\.(xz|zst|gz))?$", "")
                          .replace('-', '_')
                          .equals(wanted)
                      && p.getFileName().toString().contains(".ko"))
          .sorted()
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KernelConfig readConfig(String value, Path config) {
    try {
      return KernelConfig.parse(Files.readString(config, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new RecipeException(
          value + ": cannot read the config " + config + ": " + e.getMessage(), e);
    }
  }

  /** The architecture a config is for; a 32-bit or another architecture's config is refused. */
  static Architecture configArch(String value, Path config, KernelConfig c) {
    if (c.builtIn("CONFIG_X86_64")) {
      return Architecture.X86_64;
    }
    if (c.builtIn("CONFIG_ARM64")) {
      return Architecture.AARCH64;
    }
    if (c.builtIn("CONFIG_RISCV") && c.builtIn("CONFIG_64BIT")) {
      return Architecture.RISCV64;
    }
    String what =
        c.builtIn("CONFIG_X86_32")
            ? "a 32-bit x86 kernel"
            : c.builtIn("CONFIG_ARM")
                ? "a 32-bit arm kernel"
                : c.builtIn("CONFIG_RISCV") ? "a 32-bit riscv kernel" : "no architecture it knows";
    throw new RecipeException(
        value
            + ": "
            + config
            + " configures "
            + what
            + " (none of CONFIG_X86_64, CONFIG_ARM64, CONFIG_RISCV with CONFIG_64BIT is y); the"
            + " harness boots x86_64, aarch64 and riscv64 kernels");
  }

  /** The boot image's own header must say the architecture its config does. */
  static void requireImageArch(String value, Path image, Architecture arch) {
    Optional<Architecture> format = KernelImageFormat.of(image);
    if (format.isEmpty()) {
      throw new RecipeException(
          value
              + ": "
              + image
              + " is no "
              + arch.id()
              + " boot image (its header is not one the harness recognises); rebuild it");
    }
    if (format.get() != arch) {
      throw new RecipeException(
          value
              + ": "
              + image
              + " is an "
              + format.get().id()
              + " boot image but the tree's .config is for "
              + arch.id()
              + "; rebuild the tree");
    }
  }

  Architecture arch() {
    return arch;
  }

  String release() {
    return release;
  }

  Optional<KernelBuildTree> tree() {
    return tree;
  }

  /** Every byte the image is made of, and the commit it was built from. */
  void hashInto(Sha256.Running sum) throws IOException {
    sum.field("user-kernel-" + kind + "|" + release + "|" + arch.id()).file(image);
    if (config.isPresent()) {
      sum.field("config").file(config.get());
    }
    if (tree.isPresent() && tree.get().systemMap().isPresent()) {
      sum.field("System.map").file(tree.get().systemMap().get());
    }
    if (modules.isPresent()) {
      for (Path f : moduleFiles()) {
        sum.field("module|" + modules.get().relativize(f)).file(f);
      }
    }
    if (tree.isPresent()) {
      sum.field("git|" + tree.get().git());
    }
  }

  private List<Path> moduleFiles() throws IOException {
    try (Stream<Path> files = Files.walk(modules.get())) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /**
   * Copies what the image needs into {@code root} as a package would hold it: {@code
   * lib/modules/<release>/vmlinuz}, {@code config}, and the modules {@code keep} accepts (paths as
   * {@code lib/modules/<release>/...}).
   */
  void copyInto(Path root, java.util.function.Predicate<String> keep) throws IOException {
    Path dir = Files.createDirectories(root.resolve("lib/modules").resolve(release));
    Files.copy(image, dir.resolve("vmlinuz"));
    if (config.isPresent()) {
      Files.copy(config.get(), dir.resolve("config"));
    }
    if (modules.isPresent()) {
      for (Path f : moduleFiles()) {
        String rel = modules.get().relativize(f).toString();
        if (keep.test("lib/modules/" + release + "/" + rel)) {
          Path to = dir.resolve(rel);
          Files.createDirectories(to.getParent());
          Files.copy(f, to);
        }
      }
    }
  }

  /** What the manifest records: the files' hashes, the release, compiler, modules and checkout. */
  Map<String, Object> description() throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", kind);
    tree.ifPresent(t -> out.put("folder", t.folder().toString()));
    out.put("release", release);
    out.put("arch", arch.id());
    out.put("bootImage", file(image));
    config.ifPresent(c -> out.put("config", uncheckedFile(c)));
    tree.flatMap(KernelBuildTree::systemMap).ifPresent(m -> out.put("systemMap", uncheckedFile(m)));
    parsed.flatMap(c -> c.value("CONFIG_CC_VERSION_TEXT")).ifPresent(cc -> out.put("compiler", cc));
    Map<String, Object> mods = new LinkedHashMap<>(modulesOrigin);
    if (modules.isPresent()) {
      Sha256.Running sum = Sha256.running();
      List<Path> files = moduleFiles();
      for (Path f : files) {
        sum.field(modules.get().relativize(f) + "|" + Sha256.of(f));
      }
      mods.put("files", files.size());
      mods.put("sha256", sum.hex());
    }
    out.put("modules", mods);
    if (tree.isPresent()) {
      Map<String, Object> git = tree.get().git();
      if (!git.isEmpty()) {
        git.put("tree", tree.get().source().toString());
        out.put("git", git);
      }
    }
    return out;
  }

  private static Map<String, Object> file(Path p) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", p.toString());
    out.put("sha256", Sha256.of(p));
    out.put("bytes", Files.size(p));
    return out;
  }

  private static Map<String, Object> uncheckedFile(Path p) {
    try {
      return file(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    installed.ifPresent(UserKernelInputs::deleteQuietly);
  }

  private static void deleteQuietly(Path dir) {
    ImageBuilder.deleteTree(dir);
  }
}
