package dev.pvpanic.harness.image;

import dev.pvpanic.harness.image.ImageRecipe.DriverPolicy;
import dev.pvpanic.harness.image.ImageRecipe.LocalDeb;
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
 * file as a distribution, a PPA or {@code make bindeb-pkg} ships it. Made into an image with the
 * harness's own userland (the guest init, kexec, vmcore-dmesg) exactly like a recipe's; its
 * architecture, release and config come from the package itself.
 *
 * <p>A value that is no such kernel (a missing file, a package that is no kernel image, a meta
 * package) is refused with a {@link RecipeException} naming the file and what would work, before
 * anything is built or boots.
 */
public final class UserKernels {
  /** The kinds of kernel source, the word before the colon. */
  public static final Set<String> KINDS = Set.of("deb");

  private static final Pattern KERNEL_IN_BOOT = Pattern.compile("^(?:\\./)?boot/vmlinu[xz]-(.+)$");
  private static final Pattern KERNEL_IN_MODULES =
      Pattern.compile("^(?:\\./)?(?:usr/)?lib/modules/([^/]+)/vmlinuz$");
  private static final Pattern SERIES = Pattern.compile("^(\\d+)\\.(\\d+)");

  /**
   * Parsed recipes by value, size and modification time: reading a .deb's listing takes seconds.
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
    String path = value.substring(kind.length() + 1).strip();
    if (path.isEmpty()) {
      throw new RecipeException(
          "'" + value + "' names no file; valid: deb:/path/linux-image-<release>_<version>.deb");
    }
    return kind + ":" + resolve.apply(path).toAbsolutePath().normalize();
  }

  /** The recipe {@code value} stands for; its inputs are read and checked now. */
  public static ImageRecipe recipe(String value) {
    String kind = kind(value).orElseThrow(() -> new IllegalArgumentException(value));
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
