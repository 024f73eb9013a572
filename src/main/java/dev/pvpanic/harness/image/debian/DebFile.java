package dev.pvpanic.harness.image.debian;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads Debian binary packages: an ar archive of {@code debian-binary} ("2.0"), {@code
 * control.tar[.gz|.xz|.zst]} and {@code data.tar[.xz|.zst|.gz|.bz2]}.
 *
 * <p>Paths given to filters and returned are the archive paths without the leading {@code ./} and
 * without a trailing slash, e.g. {@code boot/vmlinuz-6.12.95+deb12-amd64}, {@code usr/bin}.
 */
public final class DebFile {

  private DebFile() {}

  /** The fields of the package's {@code control} file. */
  public static ControlStanza control(Path deb) {
    String text =
        readMember(
            deb,
            "control.tar",
            tar -> {
              for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (relative(entry.getName()).equals("control") && entry.isFile()) {
                  return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
              }
              throw new DebFileException(deb + ": control.tar has no control file");
            });
    List<ControlStanza> stanzas = ControlStanza.parseAll(text);
    if (stanzas.isEmpty()) {
      throw new DebFileException(deb + ": the control file is empty");
    }
    return stanzas.get(0);
  }

  /** The paths in the package's data archive, in archive order. */
  public static List<String> list(Path deb) {
    return readMember(
        deb,
        "data.tar",
        tar -> {
          List<String> paths = new ArrayList<>();
          for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            String path = relative(entry.getName());
            if (!path.isEmpty()) {
              paths.add(path);
            }
          }
          return paths;
        });
  }

  /**
   * Extracts the data entries {@code pathFilter} accepts into {@code targetDir} (created if
   * missing): directories, regular files with their permission bits, symlinks as symlinks with
   * targets unchanged (an absolute target stays absolute: it means the guest's root), and hard
   * links. Parent folders of accepted entries are created even when not accepted themselves.
   * Existing files are replaced. Throws {@link UnsafeDebEntryException} for any entry that would
   * land outside {@code targetDir}, and {@link DebFileException} for a hard link to an entry that
   * was filtered out, or a device node or FIFO.
   *
   * @return the extracted paths, in archive order
   */
  public static List<String> extract(Path deb, Path targetDir, Predicate<String> pathFilter) {
    Path root;
    try {
      Files.createDirectories(targetDir);
      root = targetDir.toRealPath();
    } catch (IOException e) {
      throw new DebFileException("cannot create extraction folder " + targetDir + ": " + e, e);
    }
    return readMember(
        deb,
        "data.tar",
        tar -> {
          List<String> extracted = new ArrayList<>();
          // Directory modes are applied last, so a read-only directory can still be filled.
          Map<Path, Integer> directoryModes = new LinkedHashMap<>();
          for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            String path = checkedRelative(deb, entry.getName());
            if (path.isEmpty() || !pathFilter.test(path)) {
              continue;
            }
            Path target = root.resolve(path);
            if (entry.isDirectory()) {
              directoryUnder(deb, root, path);
              directoryModes.put(target, entry.getMode());
            } else if (entry.isSymbolicLink()) {
              prepareFile(deb, root, path, target);
              Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isLink()) {
              Path source = hardLinkSource(deb, root, entry);
              prepareFile(deb, root, path, target);
              Files.createLink(target, source);
            } else if (entry.isFile()) {
              prepareFile(deb, root, path, target);
              Files.copy(tar, target);
              Files.setPosixFilePermissions(target, permissions(entry.getMode()));
              Files.setLastModifiedTime(target, FileTime.from(entry.getModTime().toInstant()));
            } else {
              throw new DebFileException(
                  deb
                      + ": entry '"
                      + path
                      + "' is a device node or FIFO, which the harness does not extract");
            }
            extracted.add(path);
          }
          List<Path> deepestFirst = new ArrayList<>(directoryModes.keySet());
          deepestFirst.sort((a, b) -> b.getNameCount() - a.getNameCount());
          for (Path dir : deepestFirst) {
            Files.setPosixFilePermissions(dir, permissions(directoryModes.get(dir)));
          }
          return extracted;
        });
  }

  @FunctionalInterface
  private interface TarReader<T> {
    T read(TarArchiveInputStream tar) throws IOException;
  }

  /** Opens {@code deb}, checks its format, and reads the member named {@code stem[.ext]}. */
  private static <T> T readMember(Path deb, String stem, TarReader<T> reader) {
    try (InputStream file = new BufferedInputStream(Files.newInputStream(deb), 64 * 1024);
        ArArchiveInputStream ar = new ArArchiveInputStream(file)) {
      boolean sawFormat = false;
      List<String> members = new ArrayList<>();
      for (ArArchiveEntry member; (member = ar.getNextEntry()) != null; ) {
        // GNU ar may end member names with '/'.
        String name =
            member.getName().endsWith("/")
                ? member.getName().substring(0, member.getName().length() - 1)
                : member.getName();
        members.add(name);
        if (!sawFormat) {
          String format = new String(ar.readNBytes(16), StandardCharsets.US_ASCII).strip();
          if (!name.equals("debian-binary") || !format.startsWith("2.")) {
            throw new DebFileException(
                deb
                    + " is not a Debian binary package (first member '"
                    + name
                    + "', format '"
                    + format
                    + "'; expected debian-binary 2.x)");
          }
          sawFormat = true;
          continue;
        }
        if (name.startsWith(stem) && Compression.isKnown(name, stem)) {
          TarArchiveInputStream tar = new TarArchiveInputStream(Compression.decompress(name, ar));
          return reader.read(tar);
        }
      }
      throw new DebFileException(deb + " has no " + stem + " member (members: " + members + ")");
    } catch (IOException e) {
      throw new DebFileException("cannot read " + deb + ": " + e.getMessage(), e);
    }
  }

  /** "./usr/bin/" -> "usr/bin"; "./" -> "". */
  private static String relative(String name) {
    String path = name;
    while (path.startsWith("./")) {
      path = path.substring(2);
    }
    if (path.equals(".")) {
      path = "";
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }

  private static String checkedRelative(Path deb, String name) {
    String path = relative(name);
    if (name.startsWith("/") || path.startsWith("/") || List.of(path.split("/")).contains("..")) {
      throw new UnsafeDebEntryException(
          deb + ": entry '" + name + "' would be written outside the extraction folder; refused");
    }
    return path;
  }

  /**
   * Creates the directories of {@code path} under {@code root} one by one, refusing to pass through
   * a symlink or anything else that resolves outside {@code root} (a package could ship {@code evil
   * -> /etc} and then {@code evil/passwd}).
   */
  private static Path directoryUnder(Path deb, Path root, String path) throws IOException {
    Path current = root;
    if (path.isEmpty()) {
      return current;
    }
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      current = current.resolve(part);
      if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        if (!current.toRealPath().startsWith(root)) {
          throw new UnsafeDebEntryException(
              deb
                  + ": '"
                  + path
                  + "' passes through '"
                  + root.relativize(current)
                  + "', which leads outside the extraction folder; refused");
        }
        if (!Files.isDirectory(current)) {
          throw new DebFileException(
              deb
                  + ": '"
                  + path
                  + "' needs '"
                  + root.relativize(current)
                  + "' to be a directory, but it is a file");
        }
      } else {
        Files.createDirectory(current);
      }
    }
    return current;
  }

  /** Makes room for a non-directory entry at {@code target}: safe parents, old file removed. */
  private static void prepareFile(Path deb, Path root, String path, Path target)
      throws IOException {
    int slash = path.lastIndexOf('/');
    directoryUnder(deb, root, slash < 0 ? "" : path.substring(0, slash));
    try {
      Files.deleteIfExists(target); // removes a symlink itself, never what it points to
    } catch (DirectoryNotEmptyException e) {
      throw new DebFileException(
          deb + ": entry '" + path + "' would replace a non-empty directory", e);
    }
  }

  private static Path hardLinkSource(Path deb, Path root, TarArchiveEntry entry)
      throws IOException {
    String linkPath = checkedRelative(deb, entry.getLinkName());
    Path source = root.resolve(linkPath);
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new DebFileException(
          deb
              + ": hard link '"
              + relative(entry.getName())
              + "' points to '"
              + linkPath
              + "', which was not extracted; include it in the path filter");
    }
    if (!source.toRealPath().startsWith(root)) {
      throw new UnsafeDebEntryException(
          deb
              + ": hard link '"
              + relative(entry.getName())
              + "' points outside the extraction folder; refused");
    }
    return source;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }
}
