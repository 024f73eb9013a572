package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.PackageNotFoundException;
import dev.pvpanic.harness.image.debian.SourceEntry;
import dev.pvpanic.harness.image.debian.UnknownSuiteException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pvpanic images qemu-source}: Debian's QEMU source package (.dsc, .orig.tar.*,
 * .debian.tar.*) of a suite, fetched through the verified archive client (InRelease signature,
 * Sources index and every file checked by SHA-256, cached by it) and written under its real names,
 * for building a QEMU tree the {@code build:} QEMU axis value can run.
 */
@Command(
    name = "qemu-source",
    description = {
      "Writes Debian's qemu source package (.dsc, .orig.tar.*, .debian.tar.*) of a suite into a"
          + " folder, each file verified against the signed archive metadata.",
      "Prints '<sha256>  <file>' per file (sha256sum -c reads it); the version on stderr."
    })
final class QemuSourceCommand implements Callable<Integer> {
  static final String SOURCE = "qemu";

  @ParentCommand ImagesCommand images;

  // No mixinStandardHelpOptions: its -V/--version would take --version from the Debian version.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = "--suite",
      required = true,
      paramLabel = "SUITE",
      description = "the Debian suite, e.g. bookworm (QEMU 7.2), bookworm-backports, trixie, sid")
  String suite;

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      description = "the exact Debian version, e.g. 1:7.2+dfsg-7+deb12u7 (default: the newest)")
  String version;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "the folder to write the files into (created if missing)")
  Path out;

  @Override
  public Integer call() {
    PrintStream stdout = images.main.terminal().out();
    PrintStream stderr = images.main.terminal().err();
    if (out.toString().isBlank()) {
      throw new UsageException("--out is empty; give a folder for the source package's files");
    }
    if (version != null && version.isBlank()) {
      throw new UsageException("--version is empty; give a Debian version or leave it out");
    }
    DebianArchive archive =
        ImageEnvironment.archive(
            images.main.settings(), images.main.mirror(), ContentStore.at(images.main.settings()));
    SourceEntry entry;
    Map<String, Path> blobs;
    try {
      entry = archive.sources(suite).resolve(SOURCE, Optional.ofNullable(version));
      stderr.printf(
          "%s %s from %s (%s): %d files%n",
          entry.name(), entry.version(), suite, entry.directory(), entry.files().size());
      blobs = archive.fetchSource(suite, entry);
    } catch (UnknownSuiteException | PackageNotFoundException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try {
      Files.createDirectories(out);
      for (SourceEntry.SourceFile f : entry.files()) {
        String sha256 = copy(blobs.get(f.name()), out.resolve(f.name()));
        if (!sha256.equals(f.sha256())) {
          throw new IllegalStateException(
              out.resolve(f.name())
                  + " was written with sha256 "
                  + sha256
                  + " but the index says "
                  + f.sha256());
        }
        stdout.printf("%s  %s%n", sha256, f.name());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
    }
    stderr.println("written to " + out.toAbsolutePath());
    return ExitStatus.PASS.code();
  }

  /**
   * Copies {@code blob} to {@code target} (through a temp file, then moved), returns its sha256.
   */
  private static String copy(Path blob, Path target) throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + ".part");
    Sha256.Running sum = Sha256.running();
    try (InputStream in = sum.reading(Files.newInputStream(blob));
        OutputStream o = Files.newOutputStream(temp)) {
      in.transferTo(o);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return sum.hex();
  }
}
