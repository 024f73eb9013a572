package dev.pvpanic.harness.image;

import dev.pvpanic.harness.image.kmod.KernelArch;
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
import java.util.concurrent.TimeUnit;

/**
 * A Linux build folder, in-tree or {@code O=}: what {@code make bzImage modules} (or {@code Image})
 * left there. Read, never written: the boot image of the tree's architecture, {@code .config},
 * {@code include/config/kernel.release} and {@code System.map}; the git checkout the source is, if
 * any, through read-only git commands.
 *
 * <p>A folder that is no such tree is refused with a {@link RecipeException} naming the file that
 * is missing and the make target that makes it.
 */
record KernelBuildTree(
    String value,
    Path folder,
    Architecture arch,
    Path bootImage,
    Path config,
    KernelConfig parsedConfig,
    String release,
    Optional<Path> systemMap) {

  /** The boot image kbuild writes for each architecture, relative to the build folder. */
  static Path bootImagePath(Architecture arch) {
    return Path.of(
        switch (arch) {
          case X86_64 -> "arch/x86/boot/bzImage";
          case AARCH64 -> "arch/arm64/boot/Image";
          case RISCV64 -> "arch/riscv/boot/Image";
        });
  }

  /** The make target of that boot image. */
  static String bootTarget(Architecture arch) {
    return arch == Architecture.X86_64 ? "bzImage" : "Image";
  }

  static KernelBuildTree open(String value, Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new RecipeException(
          value
              + ": no such folder "
              + folder
              + "; valid: build:<a Linux build folder> (the source tree you ran make in, or its"
              + " O= folder)");
    }
    Path config = folder.resolve(".config");
    if (!Files.isRegularFile(config)) {
      throw new RecipeException(
          value
              + ": "
              + config
              + " does not exist: "
              + folder
              + " is no configured kernel build folder; give the folder you ran 'make"
              + " <config>' in (the O= folder for an out-of-tree build)");
    }
    KernelConfig parsed = UserKernelConfig.read(value, config);
    Architecture arch = UserKernelConfig.arch(value, config, parsed);
    Path image = folder.resolve(bootImagePath(arch));
    if (!Files.isRegularFile(image)) {
      throw new RecipeException(
          value
              + ": no boot image "
              + image
              + " ("
              + arch.id()
              + " tree, by its .config); build it: make -C "
              + folder
              + " -j$(nproc) "
              + bootTarget(arch)
              + " modules");
    }
    UserKernelConfig.requireImageArch(value, image, arch);
    Path releaseFile = folder.resolve("include/config/kernel.release");
    if (!Files.isRegularFile(releaseFile)) {
      throw new RecipeException(
          value
              + ": "
              + releaseFile
              + " does not exist (kbuild writes it while building); build the tree: make -C "
              + folder
              + " "
              + bootTarget(arch));
    }
    String release;
    try {
      release = Files.readString(releaseFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (release.isEmpty() || !release.matches("[A-Za-z0-9._+~-]+")) {
      throw new RecipeException(
          value + ": " + releaseFile + " holds no kernel release ('" + release + "'); rebuild");
    }
    Path map = folder.resolve("System.map");
    return new KernelBuildTree(
        value,
        folder,
        arch,
        image,
        config,
        parsed,
        release,
        Files.isRegularFile(map) ? Optional.of(map) : Optional.empty());
  }

  /** make in this tree, with its architecture and the cross prefix of its compiler. */
  TreeMake make() {
    return TreeMake.of(
        folder, KernelArch.parse(arch.id()), parsedConfig.value("CONFIG_CC_VERSION_TEXT"));
  }

  /**
   * The source tree: the folder itself when built in tree; for an {@code O=} folder, the tree its
   * generated Makefile includes ({@code include <source>/Makefile}), or where its {@code source}
   * link points (kernels before 6.x made one).
   */
  Path source() {
    Path makefile = folder.resolve("Makefile");
    try {
      if (Files.isRegularFile(makefile) && Files.size(makefile) < 4096) {
        for (String line : Files.readAllLines(makefile, StandardCharsets.UTF_8)) {
          java.util.regex.Matcher m = INCLUDED_MAKEFILE.matcher(line.strip());
          if (m.matches()) {
            return Path.of(m.group(1)).normalize();
          }
        }
      }
      Path link = folder.resolve("source");
      if (Files.isSymbolicLink(link)) {
        return folder.resolve(Files.readSymbolicLink(link)).normalize();
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return folder;
    }
    return folder;
  }

  /** The line kbuild writes into an {@code O=} folder's Makefile. */
  private static final java.util.regex.Pattern INCLUDED_MAKEFILE =
      java.util.regex.Pattern.compile("^include\\s+(/\\S+)/Makefile$");

  /**
   * The source tree's git checkout, if it is one: commit, {@code git describe}, the remote's URL
   * and whether files differ from the commit. Read-only: {@code --no-optional-locks} keeps {@code
   * git status} from refreshing the index.
   */
  Map<String, Object> git() {
    Path source = source();
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<String> commit = git(source, "rev-parse", "HEAD");
    if (commit.isEmpty()) {
      return out;
    }
    out.put("commit", commit.get());
    git(source, "describe", "--tags", "--always", "--abbrev=12")
        .ifPresent(d -> out.put("describe", d));
    git(source, "rev-parse", "--abbrev-ref", "HEAD").ifPresent(b -> out.put("branch", b));
    git(source, "remote", "get-url", "origin").ifPresent(u -> out.put("repository", u));
    git(source, "status", "--porcelain", "--untracked-files=no")
        .ifPresent(s -> out.put("dirty", !s.isBlank()));
    return out;
  }

  /** The first line a read-only git command prints, empty when it fails. */
  static Optional<String> git(Path dir, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("git", "--no-optional-locks", "-C"));
    argv.add(dir.toString());
    argv.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      if (p.exitValue() != 0) {
        return Optional.empty();
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      return Optional.of(text.lines().findFirst().orElse(""));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
