package dev.pvpanic.harness.image;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageRecipe.LocalBuild;
import dev.pvpanic.harness.image.ImageRecipe.LocalKernel;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * the compiler and the git checkout ({@link #description}). Its config is read by {@link
 * UserKernelConfig}, its modules found or installed by {@link UserKernelModules}.
 *
 * <p>Closing it removes the modules the harness installed.
 */
final class UserKernelInputs implements AutoCloseable {
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
      modules =
          Optional.of(
              UserKernelModules.folder(value, b.modules().get(), Optional.of(tree.release())));
      origin.put("origin", "folder");
      origin.put("folder", b.modules().get().toString());
    } else if (tree.parsedConfig().builtIn("CONFIG_MODULES")) {
      UserKernelModules.Installed done =
          UserKernelModules.install(value, tree, b.folder(), cacheDir, log);
      installed = Optional.of(done.work());
      modules = Optional.of(done.modules());
      origin.put("origin", "make modules_install");
      origin.put("command", done.command());
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
      UserKernelModules.requireConfigured(value, inputs.parsed, inputs.modules, inputs.tree);
    } catch (RecipeException e) {
      inputs.close();
      throw e;
    }
    return inputs;
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
      KernelConfig cfg = UserKernelConfig.read(value, c);
      Architecture configured = UserKernelConfig.arch(value, c, cfg);
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
    Optional<Path> modules = k.modules().map(m -> UserKernelModules.folder(value, m, fromImage));
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
    UserKernelModules.requireConfigured(value, inputs.parsed, inputs.modules, inputs.tree);
    return inputs;
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
    installed.ifPresent(ImageBuilder::deleteTree);
  }
}
