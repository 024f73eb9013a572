package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.elf.ElfFile;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.LoaderListing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cross toolchain extracted from another Debian suite's packages ({@link ToolchainPackages}) into
 * a private folder, runnable on this host whatever its C library: every dynamic ELF executable is
 * moved into a {@value #REAL_FOLDER} folder next to where it was and replaced by a shell script
 * that runs it through the extracted C library's own loader ({@code ld.so --library-path <the
 * folder's libraries> --argv0 "$0" <the ELF>}). The same trick runs Debian's QEMU builds ({@code
 * image.qemu.DebianQemu}).
 *
 * <p>{@code --argv0 "$0"} keeps the name the program was called by: gcc finds cc1, as and ld
 * relative to its own {@code argv[0]} (its relocatable prefix), and Debian's modpost dispatcher
 * execs {@code argv[0].real-lsb-64}; both then reach the wrapper scripts, never the host's tools.
 * That is checked ({@link #compiler()}), and so is each wrapped program's library closure, as the
 * loader itself lists it: a library not found, or found outside the folder, is refused by name.
 */
public final class ExtractedToolchain {
  static final String REAL_FOLDER = ".pvh-elf";
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LOADER = Pattern.compile("^ld-linux-[a-z0-9_-]+\\.so\\.\\d+$");

  private final Path root;
  private final KernelArch target;
  private final int gccMajor;
  private final Path loader;
  private final String libraryPath;

  private ExtractedToolchain(
      Path root, KernelArch target, int gccMajor, Path loader, String libraryPath) {
    this.root = root;
    this.target = target;
    this.gccMajor = gccMajor;
    this.loader = loader;
    this.libraryPath = libraryPath;
  }

  /**
   * Extracts {@code debs} into {@code root} (documentation left out) and wraps the executables.
   *
   * @param host the architecture this machine runs (the toolchain's packages are for it)
   */
  public static ExtractedToolchain extract(
      List<Path> debs, Path root, KernelArch target, int gccMajor, KernelArch host) {
    Path abs = root.toAbsolutePath().normalize();
    for (Path deb : debs) {
      DebFile.extract(deb, abs, p -> !p.contains("usr/share/"));
    }
    return open(abs, target, gccMajor, host);
  }

  /** A toolchain already extracted into {@code root}: finds its loader, wraps the executables. */
  static ExtractedToolchain open(Path root, KernelArch target, int gccMajor, KernelArch host) {
    Path abs = root.toAbsolutePath().normalize();
    String triplet = host.crossPrefix().substring(0, host.crossPrefix().length() - 1);
    List<Path> folders = new ArrayList<>();
    for (String f : List.of("usr/lib/" + triplet, "lib/" + triplet)) {
      if (Files.isDirectory(abs.resolve(f))) {
        folders.add(abs.resolve(f));
      }
    }
    Path loader =
        folders.stream()
            .flatMap(ExtractedToolchain::loadersIn)
            .findFirst()
            .orElseThrow(
                () ->
                    new ModuleBuildException(
                        "the toolchain's packages hold no dynamic loader (ld-linux-*.so.*) under "
                            + abs
                            + "/usr/lib/"
                            + triplet
                            + ": its library closure lacks libc6"));
    String path = String.join(":", folders.stream().map(Path::toString).toList());
    linkToolFolder(abs, target);
    ExtractedToolchain tc = new ExtractedToolchain(abs, target, gccMajor, loader, path);
    for (String dir : List.of("usr/bin", "usr/libexec", "usr/lib/gcc-cross")) {
      if (Files.isDirectory(abs.resolve(dir))) {
        tc.wrapExecutables(abs.resolve(dir));
      }
    }
    return tc;
  }

  /**
   * gcc runs {@code as} (and {@code ld}) from its tool folder {@code usr/<triplet>/bin}: a cross
   * binutils package ships them there, a native one (Debian's binutils-x86-64-linux-gnu on amd64)
   * only as {@code usr/bin/<triplet>-as}. Without a link there gcc would take the host's {@code as}
   * from PATH.
   */
  private static void linkToolFolder(Path root, KernelArch target) {
    String triplet = target.crossPrefix().substring(0, target.crossPrefix().length() - 1);
    Path tools = root.resolve("usr").resolve(triplet).resolve("bin");
    for (String tool : List.of("as", "ld")) {
      Path prefixed = root.resolve("usr/bin").resolve(target.crossPrefix() + tool);
      Path link = tools.resolve(tool);
      if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) || !Files.exists(prefixed)) {
        continue;
      }
      try {
        Files.createDirectories(tools);
        Files.createSymbolicLink(link, link.getParent().relativize(prefixed));
      } catch (IOException e) {
        throw new ModuleBuildException("cannot link " + link + " to " + prefixed + ": " + e, e);
      }
    }
  }

  /**
   * The toolchain's gcc, checked to run and to find its cc1 and assembler inside this folder (a gcc
   * that did not would fall back to the host's {@code as} on PATH).
   */
  public CrossCompiler compiler() {
    CrossCompiler cc = CrossCompiler.find(target, gccMajor, List.of(root.resolve("usr/bin")));
    for (String program : List.of("cc1", "as")) {
      String found = ask(cc.gcc(), "-print-prog-name=" + program);
      Path p = Path.of(found).normalize();
      if (!p.isAbsolute() || !p.startsWith(root) || !Files.isExecutable(p)) {
        throw new ModuleBuildException(
            cc.gcc()
                + " -print-prog-name="
                + program
                + " gives '"
                + found
                + "', not a program inside "
                + root
                + ": it would run the host's");
      }
    }
    return cc;
  }

  /**
   * Wraps every dynamic ELF executable under {@code dir} (e.g. kbuild's fixdep and modpost) so it
   * runs through this toolchain's loader; returns the wrapped paths. Idempotent: a wrapped program
   * is a script, no longer an ELF.
   */
  public List<Path> wrapExecutables(Path dir) {
    List<Path> candidates;
    try (Stream<Path> walk = Files.walk(dir)) {
      candidates =
          walk.filter(p -> !p.toString().contains("/" + REAL_FOLDER + "/"))
              // a symlink (aarch64-linux-gnu-ld -> ...-ld.bfd) reaches the wrapper of its target
              .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              .filter(Files::isExecutable)
              .filter(ElfFile::isElf)
              .toList();
    } catch (IOException e) {
      throw new ModuleBuildException("cannot walk " + dir + ": " + e, e);
    }
    List<Path> wrapped = new ArrayList<>();
    for (Path elf : candidates) {
      if (ElfFile.read(elf).interpreter().isEmpty()) {
        continue; // a shared object or a static program: nothing to redirect
      }
      wrap(elf);
      wrapped.add(elf);
    }
    return wrapped;
  }

  /** The folder the toolchain was extracted into. */
  public Path root() {
    return root;
  }

  /** The loader every wrapped program runs through. */
  public Path loader() {
    return loader;
  }

  private void wrap(Path elf) {
    Path real = elf.getParent().resolve(REAL_FOLDER).resolve(elf.getFileName());
    try {
      Files.createDirectories(real.getParent());
      Files.move(elf, real);
      List<String> problems = closureProblems(real);
      if (!problems.isEmpty()) {
        throw new ModuleBuildException(
            elf
                + ": its library closure is incomplete, as the loader "
                + loader
                + " lists it: "
                + String.join(", ", problems)
                + " (a dependency the toolchain's pins do not follow; re-run 'images lock')");
      }
      Files.writeString(elf, script(real), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(elf, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new ModuleBuildException("cannot wrap " + elf + ": " + e, e);
    }
  }

  /** The script that takes the place of an ELF executable. */
  String script(Path real) {
    return "#!/bin/sh\n"
        + "# Written by pvpanic-harness: runs "
        + root.relativize(real)
        + " through its own Debian suite's C library\n"
        + "exec "
        + quote(loader.toString())
        + " --library-path "
        + quote(libraryPath)
        + " --argv0 \"$0\" "
        + quote(real.toString())
        + " \"$@\"\n";
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Libraries the loader lists as not found or taken from outside the folder. */
  List<String> closureProblems(Path elf) {
    return LoaderListing.problems(
        List.of(loader.toString(), "--library-path", libraryPath), elf, root);
  }

  private static Stream<Path> loadersIn(Path folder) {
    try (Stream<Path> list = Files.list(folder)) {
      return list
          .filter(p -> LOADER.matcher(p.getFileName().toString()).matches())
          .filter(Files::isRegularFile)
          .sorted()
          .toList()
          .stream();
    } catch (IOException e) {
      throw new ModuleBuildException("cannot list " + folder + ": " + e, e);
    }
  }

  private String ask(Path gcc, String option) {
    try {
      Path log = Files.createTempFile("pvh-gcc-ask", ".log");
      try {
        return new LoggedCommand(List.of(gcc.toString(), option), gcc.getParent(), Map.of())
            .firstLine(log, CHECK_TIMEOUT);
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new ModuleBuildException("cannot run " + gcc + " " + option + ": " + e, e);
    }
  }

  /** For messages. */
  @Override
  public String toString() {
    return "toolchain gcc-" + gccMajor + " for " + target.debianArch() + " in " + root;
  }
}
