package dev.pvpanic.harness.image.initramfs;

import dev.pvpanic.harness.elf.ElfFile;
import dev.pvpanic.harness.elf.ElfFormatException;
import dev.pvpanic.harness.elf.ElfMachine;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a dynamically linked program from an extracted root needs in an initramfs: the
 * program, every shared library it needs transitively ({@code DT_NEEDED}), the version symlinks
 * that name them, and the ELF interpreter at exactly the path {@code PT_INTERP} names.
 *
 * <p>Files are placed at their real locations in the root (all symlinks resolved); a symlink that
 * led to a file is kept as an absolute link to that real location. Symlinked folders (Debian's
 * usrmerge: /lib -> usr/lib, /lib64 -> usr/lib64) are followed but not copied, so the closure never
 * clashes with folders the rest of the image adds. The interpreter is the exception: the kernel
 * opens it by the literal {@code PT_INTERP} path, so that path is always present (as a link to the
 * real file when the two differ).
 *
 * @param binary the program's in-guest path as asked for
 * @param interpreter the {@code PT_INTERP} path (e.g. /lib64/ld-linux-x86-64.so.2); empty for a
 *     statically linked program
 * @param files in-guest path -> host file, for the program, its libraries and the interpreter
 * @param symlinks in-guest path -> absolute in-guest target (always a key of {@code files})
 */
public record SharedLibraryClosure(
    String binary,
    Optional<String> interpreter,
    SortedMap<String, Path> files,
    SortedMap<String, String> symlinks) {

  /** Debian's multiarch triplet by {@code e_machine}. */
  private static final Map<Integer, String> TRIPLETS =
      Map.of(
          ElfMachine.X86_64, "x86_64-linux-gnu",
          ElfMachine.AARCH64, "aarch64-linux-gnu",
          ElfMachine.RISCV, "riscv64-linux-gnu");

  public SharedLibraryClosure {
    files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    symlinks = Collections.unmodifiableSortedMap(new TreeMap<>(symlinks));
  }

  /**
   * Walks {@code DT_NEEDED} from {@code binary} (an in-guest path such as /usr/sbin/kexec) inside
   * {@code root}. Libraries are searched, in order, in lib/&lt;triplet&gt;,
   * usr/lib/&lt;triplet&gt;, lib and usr/lib, skipping files of another machine or ELF class as the
   * dynamic loader does.
   *
   * @throws MissingLibraryException naming the library, the file that needs it and the folders
   *     searched
   */
  public static SharedLibraryClosure of(Path root, String binary) {
    return new Walk(new RootFolder(root)).run(binary);
  }

  /** Adds every file (mode 0755: programs and libraries alike are mapped executable) and link. */
  public InitramfsBuilder addTo(InitramfsBuilder builder) {
    files.forEach((guestPath, host) -> builder.file(guestPath, host, 0755));
    symlinks.forEach(builder::symlink);
    return builder;
  }

  private record Found(RootFolder.Resolved resolved, ElfFile elf) {}

  private static final class Walk {
    private final RootFolder root;
    private final SortedMap<String, Path> files = new TreeMap<>();
    private final SortedMap<String, String> symlinks = new TreeMap<>();
    private final Map<String, String> foundByName = new HashMap<>();

    Walk(RootFolder root) {
      this.root = root;
    }

    SharedLibraryClosure run(String binary) {
      RootFolder.Resolved program =
          root.resolve(binary)
              .orElseThrow(
                  () ->
                      new InitramfsException(
                          "program " + binary + " is not in the extracted root " + root.path()));
      ElfFile elf = readElf(program.path(), binary);
      add(program);

      List<String> folders = searchFolders(elf.machine());
      Deque<Found> queue = new ArrayDeque<>();
      queue.add(new Found(program, elf));
      while (!queue.isEmpty()) {
        Found current = queue.removeFirst();
        for (String name : current.elf().needed()) {
          if (foundByName.containsKey(name)) {
            continue;
          }
          Found library = find(name, elf, folders, current.resolved().path());
          foundByName.put(name, library.resolved().path());
          if (!files.containsKey(library.resolved().path())) {
            queue.add(library);
          }
          add(library.resolved());
        }
      }

      Optional<String> interpreter = elf.interpreter();
      interpreter.ifPresent(path -> addInterpreter(path, program.path()));
      return new SharedLibraryClosure(binary, interpreter, files, symlinks);
    }

    private Found find(String name, ElfFile program, List<String> folders, String neededBy) {
      if (name.contains("/")) {
        // a DT_NEEDED with a slash is a path, used as is (relative to the root here)
        return root.resolve(name)
            .flatMap(r -> sameKind(r, program))
            .orElseThrow(
                () ->
                    new MissingLibraryException(
                        name, neededBy, List.of(root.host(name).toString())));
      }
      List<String> searched = new ArrayList<>();
      for (String folder : folders) {
        searched.add(root.host(folder).toString());
        Optional<Found> hit = root.resolve(folder + "/" + name).flatMap(r -> sameKind(r, program));
        if (hit.isPresent()) {
          return hit.get();
        }
      }
      throw new MissingLibraryException(name, neededBy, searched);
    }

    /**
     * A candidate only counts if it is an ELF file for the program's machine and class: the dynamic
     * loader skips the others too (a 32-bit library in a shared folder, a linker script).
     */
    private Optional<Found> sameKind(RootFolder.Resolved candidate, ElfFile program) {
      Path host = root.host(candidate.path());
      if (!ElfFile.isElf(host)) {
        return Optional.empty();
      }
      ElfFile elf = ElfFile.read(host);
      boolean same = elf.machine() == program.machine() && elf.is64Bit() == program.is64Bit();
      return same ? Optional.of(new Found(candidate, elf)) : Optional.empty();
    }

    private void addInterpreter(String interpreter, String programPath) {
      // Extracted packages may lack usrmerge's /lib64 -> usr/lib64 (it comes from base-files or
      // the installer, not from libc6): then the interpreter is only found under /usr.
      Optional<RootFolder.Resolved> found = root.resolve(interpreter);
      if (found.isEmpty()) {
        found = root.resolve("/usr" + interpreter);
      }
      RootFolder.Resolved resolved =
          found.orElseThrow(
              () ->
                  new MissingLibraryException(
                      interpreter,
                      programPath,
                      List.of(
                          root.host(interpreter).toString(),
                          root.host("/usr" + interpreter).toString())));
      add(resolved);
      if (!resolved.path().equals(interpreter)) {
        symlinks.putIfAbsent(interpreter, resolved.path());
      }
    }

    private void add(RootFolder.Resolved resolved) {
      files.put(resolved.path(), root.host(resolved.path()));
      for (String link : resolved.links()) {
        symlinks.put(link, resolved.path());
      }
    }

    private ElfFile readElf(String guestPath, String asked) {
      Path host = root.host(guestPath);
      if (!ElfFile.isElf(host)) {
        throw new ElfFormatException(
            asked + " (" + host + ") is not an ELF file; only ELF programs have a library closure");
      }
      return ElfFile.read(host);
    }

    private static List<String> searchFolders(int machine) {
      String triplet = TRIPLETS.get(machine);
      List<String> folders = new ArrayList<>();
      if (triplet != null) {
        folders.add("/lib/" + triplet);
        folders.add("/usr/lib/" + triplet);
      }
      folders.add("/lib");
      folders.add("/usr/lib");
      return folders;
    }
  }
}
