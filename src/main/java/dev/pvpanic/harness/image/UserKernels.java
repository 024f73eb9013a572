package dev.pvpanic.harness.image;

import dev.pvpanic.harness.image.ImageRecipe.DriverPolicy;
import dev.pvpanic.harness.image.ImageRecipe.LocalBuild;
import dev.pvpanic.harness.image.ImageRecipe.LocalDeb;
import dev.pvpanic.harness.image.ImageRecipe.LocalKernel;
import dev.pvpanic.harness.image.debian.ControlStanza;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.machine.Architecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel the user brings instead of a recipe's Debian kernel, named where a recipe name goes (the
 * {@code recipe} axis, {@code run --kernel}): {@code deb:/path/linux-image-….deb}, a kernel package
 * file as a distribution, a PPA or {@code make bindeb-pkg} ships it; {@code build:/path}, a Linux
 * build folder (in-tree or {@code O=}; {@code build:/path,modules=DIR} takes its modules from a
 * folder instead of {@code make modules_install}); {@code files:kernel=PATH,config=PATH[,modules=
 * DIR]}, a boot image, its config and its modules named one by one. Made into an image with the
 * harness's own userland (the guest init, kexec, vmcore-dmesg) exactly like a recipe's; its
 * architecture, release and config come from the package itself.
 *
 * <p>A value that is no such kernel (a missing file, a package that is no kernel image, a meta
 * package) is refused with a {@link RecipeException} naming the file and what would work, before
 * anything is built or boots.
 */
public final class UserKernels {
  /** The kinds of kernel source, the word before the colon. */
  public static final Set<String> KINDS = Set.of("deb", "build", "files");

  /** How a {@code files:} value is written, for messages. */
  static final String FILES_FORM =
      "files:kernel=<boot image>,config=<its .config>[,modules=<lib/modules/<release> or an"
          + " INSTALL_MOD_PATH>]";

  /** How a {@code build:} value is written, for messages. */
  static final String BUILD_FORM =
      "build:<build folder>[,modules=<lib/modules/<release> or an INSTALL_MOD_PATH>]";

  private static final Pattern KERNEL_IN_BOOT = Pattern.compile("^(?:\\./)?boot/vmlinu[xz]-(.+)$");
  private static final Pattern KERNEL_IN_MODULES =
      Pattern.compile("^(?:\\./)?(?:usr/)?lib/modules/([^/]+)/vmlinuz$");
  private static final Pattern SERIES = Pattern.compile("^(\\d+)\\.(\\d+)");

  /**
   * Parsed recipes by value, size and modification time: reading a .deb's listing takes seconds.
   * Per JVM: keyed by the file's size and time, the parse is the same for every session.
   */
  private static final Map<String, ImageRecipe> KNOWN = new ConcurrentHashMap<>();

  private UserKernels() {}

  /** The kind {@code value} names ({@code deb}), when it names a user's kernel at all. */
  public static Optional<String> kind(String value) {
    int colon = value.indexOf(':');
    return colon > 0 && KINDS.contains(value.substring(0, colon))
        ? Optional.of(value.substring(0, colon))
        : Optional.empty();
  }

  public static boolean isSource(String value) {
    return kind(value).isPresent();
  }

  /**
   * {@code value} with its path made absolute by {@code resolve} (the folder a person typed it in,
   * or a guest config's folder), so the same kernel has one name wherever it was written.
   */
  public static String absolute(String value, Function<String, Path> resolve) {
    String kind = kind(value).orElseThrow(() -> new IllegalArgumentException(value));
    String rest = value.substring(kind.length() + 1).strip();
    Function<String, String> abs = p -> resolve.apply(p).toAbsolutePath().normalize().toString();
    switch (kind) {
      case "deb" -> {
        if (rest.isEmpty()) {
          throw new RecipeException(
              "'"
                  + value
                  + "' names no file; valid: deb:/path/linux-image-<release>_<version>.deb");
        }
        return kind + ":" + abs.apply(rest);
      }
      case "build" -> {
        Map<String, String> parts = parts(value, rest, "folder", Set.of("modules"), BUILD_FORM);
        return "build:"
            + abs.apply(parts.get("folder"))
            + (parts.containsKey("modules") ? ",modules=" + abs.apply(parts.get("modules")) : "");
      }
      default -> {
        Map<String, String> parts =
            parts(value, rest, null, Set.of("kernel", "config", "modules"), FILES_FORM);
        if (!parts.containsKey("kernel")) {
          throw new RecipeException("'" + value + "' names no kernel image; valid: " + FILES_FORM);
        }
        StringBuilder sb = new StringBuilder("files:");
        for (String key : List.of("kernel", "config", "modules")) {
          if (parts.containsKey(key)) {
            sb.append(sb.length() > 6 ? "," : "")
                .append(key)
                .append('=')
                .append(abs.apply(parts.get(key)));
          }
        }
        return sb.toString();
      }
    }
  }

  /**
   * The comma-separated {@code key=value} parts of {@code rest}; the first part may be a bare path
   * ({@code first}), an unknown or repeated key is refused.
   */
  static Map<String, String> parts(
      String value, String rest, String first, Set<String> keys, String form) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    String[] items = rest.split(",", -1);
    for (int i = 0; i < items.length; i++) {
      String item = items[i].strip();
      int eq = item.indexOf('=');
      String key;
      String path;
      if (i == 0 && first != null) {
        key = first;
        path = item;
      } else if (eq > 0 && keys.contains(item.substring(0, eq).strip())) {
        key = item.substring(0, eq).strip();
        path = item.substring(eq + 1).strip();
      } else {
        throw new RecipeException(
            "'" + value + "': '" + item + "' is not one of " + keys + "=PATH; valid: " + form);
      }
      if (path.isEmpty() || out.put(key, path) != null) {
        throw new RecipeException(
            "'" + value + "': " + key + " is empty or given twice; valid: " + form);
      }
    }
    return out;
  }

  /** The recipe {@code value} stands for; its inputs are read and checked now. */
  public static ImageRecipe recipe(String value) {
    String kind = kind(value).orElseThrow(() -> new IllegalArgumentException(value));
    if (kind.equals("build")) {
      return buildRecipe(value);
    }
    if (kind.equals("files")) {
      return filesRecipe(value);
    }
    Path path = Path.of(value.substring(kind.length() + 1));
    String key;
    try {
      key =
          value
              + "|"
              + (Files.exists(path)
                  ? Files.size(path) + "|" + Files.getLastModifiedTime(path).toMillis()
                  : "missing");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return KNOWN.computeIfAbsent(key, k -> debRecipe(value, path));
  }

  /** A kernel package file: its control file says the architecture, its listing the release. */
  static ImageRecipe debRecipe(String value, Path deb) {
    if (!Files.isRegularFile(deb)) {
      throw new RecipeException(
          value
              + ": no such file "
              + deb
              + "; valid: deb:/path/linux-image-<release>_<version>_<arch>.deb (a kernel package"
              + " file)");
    }
    ControlStanza control;
    List<String> paths;
    try {
      control = DebFile.control(deb);
      paths = DebFile.list(deb);
    } catch (RuntimeException e) {
      throw new RecipeException(
          value
              + ": "
              + deb
              + " is not a Debian package ("
              + e.getMessage()
              + "); valid: a kernel package file such as linux-image-<release>_<version>_amd64.deb",
          e);
    }
    String pkg = control.getOrEmpty("Package");
    String version = control.getOrEmpty("Version");
    String debArch = control.getOrEmpty("Architecture");
    String what = deb.getFileName() + " (package " + pkg + " " + version + ", " + debArch + ")";
    Optional<String> release = release(paths);
    if (release.isEmpty()) {
      boolean kernelName = pkg.startsWith("linux-image-") || pkg.startsWith("linux-binary-");
      throw new RecipeException(
          value
              + ": "
              + what
              + " holds no kernel image (no boot/vmlinuz-* or usr/lib/modules/*/vmlinuz)"
              + (kernelName
                  ? ": a meta package (it depends on "
                      + control.getOrEmpty("Depends")
                      + "); give the package that holds the kernel: linux-image-<release>"
                      + " (up to 6.x) or linux-binary-<release> (from 7.x)"
                  : "; valid: a kernel image package, linux-image-<release> (up to 6.x) or"
                      + " linux-binary-<release> (from 7.x)"));
    }
    Architecture arch =
        Arrays.stream(Architecture.values())
            .filter(a -> a.debianArch().equals(debArch))
            .findFirst()
            .orElseThrow(
                () ->
                    new RecipeException(
                        value
                            + ": "
                            + what
                            + " is a kernel for "
                            + debArch
                            + ", which the harness cannot boot; valid: amd64 (x86_64), arm64"
                            + " (aarch64), riscv64"));
    return new ImageRecipe(
        value,
        arch,
        series(release.get()),
        new LocalDeb(deb),
        userlandSuite(arch),
        cmdline(arch),
        DriverPolicy.AUTO,
        Optional.empty(),
        false);
  }

  /**
   * Builds a build folder's boot image and modules ({@code make -C DIR ARCH=.. -j<jobs> bzImage
   * modules}, {@code Image} on arm64 and riscv), for {@code run --make}: the one time the harness
   * writes into a user's tree, because it was asked to. Throws {@link
   * dev.pvpanic.harness.image.kmod.ModuleBuildException} with make's last lines when make fails.
   *
   * @param value an absolute {@code build:} value
   * @return the make command run
   */
  public static String make(String value, int jobs, Path log) {
    if (!"build".equals(kind(value).orElse(""))) {
      throw new RecipeException(
          "--make builds a Linux build folder: give --kernel build:DIR (not " + value + ")");
    }
    Map<String, String> parts =
        parts(value, value.substring("build:".length()), "folder", Set.of("modules"), BUILD_FORM);
    Path folder = Path.of(parts.get("folder"));
    Path config = folder.resolve(".config");
    if (!Files.isRegularFile(config)) {
      throw new RecipeException(
          value
              + ": "
              + config
              + " does not exist: configure the tree before --make builds it (make defconfig,"
              + " or copy a .config and make olddefconfig)");
    }
    dev.pvpanic.harness.oracle.KernelConfig c = UserKernelConfig.read(value, config);
    Architecture arch = UserKernelConfig.arch(value, config, c);
    List<String> targets =
        c.builtIn("CONFIG_MODULES")
            ? List.of(KernelBuildTree.bootTarget(arch), "modules")
            : List.of(KernelBuildTree.bootTarget(arch));
    dev.pvpanic.harness.image.kmod.TreeMake make =
        dev.pvpanic.harness.image.kmod.TreeMake.of(
            folder,
            dev.pvpanic.harness.image.kmod.KernelArch.parse(arch.id()),
            c.value("CONFIG_CC_VERSION_TEXT"));
    make.build(targets, jobs, log);
    return "make -C "
        + folder
        + " ARCH="
        + dev.pvpanic.harness.image.kmod.TreeMake.makeArch(make.arch())
        + " -j"
        + jobs
        + " "
        + String.join(" ", targets);
  }

  /** A build folder: its .config says the architecture, kernel.release the release. */
  static ImageRecipe buildRecipe(String value) {
    Map<String, String> parts =
        parts(value, value.substring("build:".length()), "folder", Set.of("modules"), BUILD_FORM);
    KernelBuildTree tree = KernelBuildTree.open(value, Path.of(parts.get("folder")));
    Optional<Path> modules = Optional.ofNullable(parts.get("modules")).map(Path::of);
    if (modules.isPresent()) {
      UserKernelModules.folder(value, modules.get(), Optional.of(tree.release()));
    }
    return userRecipe(value, tree.arch(), tree.release(), new LocalBuild(tree.folder(), modules));
  }

  /** A boot image, config and modules named one by one, each checked now. */
  static ImageRecipe filesRecipe(String value) {
    Map<String, String> parts =
        parts(
            value,
            value.substring("files:".length()),
            null,
            Set.of("kernel", "config", "modules"),
            FILES_FORM);
    if (!parts.containsKey("kernel")) {
      throw new RecipeException("'" + value + "' names no kernel image; valid: " + FILES_FORM);
    }
    LocalKernel k =
        new LocalKernel(
            Path.of(parts.get("kernel")),
            Optional.ofNullable(parts.get("modules")).map(Path::of),
            Optional.ofNullable(parts.get("config")).map(Path::of));
    UserKernelInputs inputs = UserKernelInputs.fromFiles(value, k, true);
    return userRecipe(value, inputs.arch(), inputs.release(), k);
  }

  private static ImageRecipe userRecipe(
      String value, Architecture arch, String release, ImageRecipe.KernelSource kernel) {
    return new ImageRecipe(
        value,
        arch,
        series(release),
        kernel,
        userlandSuite(arch),
        cmdline(arch),
        DriverPolicy.AUTO,
        Optional.empty(),
        false);
  }

  /** The release ({@code uname -r}) of the kernel image in a package's listing. */
  static Optional<String> release(List<String> paths) {
    for (String p : paths) {
      for (Pattern pattern : List.of(KERNEL_IN_BOOT, KERNEL_IN_MODULES)) {
        Matcher m = pattern.matcher(p);
        if (m.matches()) {
          return Optional.of(m.group(1));
        }
      }
    }
    return Optional.empty();
  }

  /** The series a recipe would promise ({@code 6.1} of {@code 6.1.0-37-amd64}). */
  static String series(String release) {
    Matcher m = SERIES.matcher(release);
    return m.find() ? m.group(1) + "." + m.group(2) : release;
  }

  /**
   * The recipes' userland for the architecture: bookworm's, and sid's for riscv64 (no bookworm
   * port; trixie builds no riscv64 kexec-tools).
   */
  static String userlandSuite(Architecture arch) {
    return arch == Architecture.RISCV64 ? "sid" : "bookworm";
  }

  /** The recipes' command line: the architecture's serial console and a crash kernel area. */
  static String cmdline(Architecture arch) {
    return (arch == Architecture.AARCH64 ? "console=ttyAMA0" : "console=ttyS0")
        + " crashkernel=192M";
  }
}
