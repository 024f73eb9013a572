package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pvpanic images kernel-source}: Debian's {@code linux-source-<series>} package, the pin the
 * lock already holds for a recipe's module build (suite, version, size, SHA-256), fetched through
 * the archive client (from the cache when it has it; a download is checked against the pinned
 * SHA-256 and the package's own control file), and its source tarball written out for a build tree
 * ({@code ci/kernel-build-tree.sh}).
 */
@Command(
    name = "kernel-source",
    description = {
      "Writes the source tarball of Debian's linux-source-<series> package, as the lock pins it"
          + " for a recipe's module build, into a folder, verified by the pin's SHA-256.",
      "Prints '<sha256>  <file>' for the tarball (sha256sum -c reads it); the pin on stderr."
    })
final class KernelSourceCommand implements Callable<Integer> {
  @ParentCommand ImagesCommand images;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--series",
      required = true,
      paramLabel = "X.Y",
      description = "the kernel series, e.g. 7.2 (the lock must pin linux-source-<series>)")
  String series;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "the folder to write linux-source-<series>.tar.xz into (created if missing)")
  Path out;

  @Override
  public Integer call() {
    PrintStream stdout = images.main.terminal().out();
    PrintStream stderr = images.main.terminal().err();
    if (out.toString().isBlank()) {
      throw new UsageException("--out is empty; give a folder for the source tarball");
    }
    Path lockFile = images.main.settings().lockFile();
    LockedPackage pin = pin(ImageLock.readOrEmpty(lockFile), series, lockFile);
    stderr.printf(
        "%s %s from %s (%s, sha256 %s)%n",
        pin.name(), pin.version(), pin.suite(), pin.filename(), pin.sha256());
    DebianArchive archive =
        ImageEnvironment.archive(
            images.main.settings(), images.main.mirror(), ContentStore.at(images.main.settings()));
    Path deb = archive.fetch(pin);
    String tarball = "usr/src/linux-source-" + series + ".tar.xz";
    try {
      Path work = Files.createDirectories(out).resolve(".deb-" + series);
      DebFile.extract(deb, work, p -> p.replaceFirst("^\\./", "").equals(tarball));
      Path extracted = work.resolve(tarball);
      if (!Files.isRegularFile(extracted)) {
        throw new UsageException(pin + " holds no " + tarball + "; is it a linux-source package?");
      }
      Path target = out.resolve(extracted.getFileName());
      Files.move(extracted, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      org.apache.commons.io.FileUtils.deleteQuietly(work.toFile());
      stdout.printf("%s  %s%n", Sha256.of(target), target.getFileName());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
    }
    stderr.println("written to " + out.toAbsolutePath());
    return ExitStatus.PASS.code();
  }

  /**
   * The lock's pin of linux-source-{@code series}, the newest version when several recipes pin it.
   */
  static LockedPackage pin(ImageLock lock, String series, Path lockFile) {
    String name = "linux-source-" + series;
    List<LockedPackage> pins =
        lock.recipes().values().stream()
            .flatMap(p -> p.moduleBuild().stream())
            .filter(p -> p.name().equals(name))
            .distinct()
            .sorted(Comparator.comparing(LockedPackage::version))
            .toList();
    if (pins.isEmpty()) {
      List<String> pinned =
          lock.recipes().values().stream()
              .flatMap(p -> p.moduleBuild().stream())
              .map(LockedPackage::name)
              .filter(n -> n.startsWith("linux-source-"))
              .distinct()
              .sorted()
              .toList();
      throw new UsageException(
          lockFile + " pins no " + name + "; pinned: " + (pinned.isEmpty() ? "none" : pinned));
    }
    return pins.get(pins.size() - 1);
  }
}
