package dev.pvpanic.harness.image.initramfs;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Collects the entries of an initramfs (directories, files, symlinks, device nodes) by their
 * in-guest path and writes them as a gzip-compressed cpio "newc" archive the kernel unpacks.
 *
 * <p>The archive is deterministic: entries are written sorted by path (a plain string sort puts
 * every directory before its contents), with uid, gid and mtime 0 and inode numbers in that order,
 * and gzip's header carries no time or name. The same inputs give byte-identical output, so an
 * image's hash identifies its content.
 *
 * <p>Parent directories are added (0755) when missing. Adding the same entry twice is harmless;
 * adding a different entry at a path already taken is an error, because silently keeping either
 * would hide a recipe mistake.
 */
public final class InitramfsBuilder {

  private final SortedMap<String, Entry> entries = new TreeMap<>();

  /** A directory with mode 0755. */
  public InitramfsBuilder directory(String path) {
    return directory(path, 0755);
  }

  /** A directory with the given permission bits, e.g. {@code 01777} for /tmp. */
  public InitramfsBuilder directory(String path, int permissions) {
    return put(normalize(path), new Directory(checked(permissions, path), false));
  }

  /**
   * A regular file whose content is read from {@code source} when the archive is written; the
   * source must be a regular file now (a symlink to one is followed).
   */
  public InitramfsBuilder file(String path, Path source, int permissions) {
    if (!Files.isRegularFile(source)) {
      throw new InitramfsException(
          "initramfs file " + path + ": source " + source + " is not a regular file");
    }
    return put(
        normalize(path),
        new HostFile(source.toAbsolutePath().normalize(), checked(permissions, path)));
  }

  /** A regular file with the given content, e.g. the init script or a generated config. */
  public InitramfsBuilder file(String path, byte[] content, int permissions) {
    return put(normalize(path), new BytesFile(content.clone(), checked(permissions, path)));
  }

  /** A symbolic link at {@code path} pointing at {@code target}, stored as written. */
  public InitramfsBuilder symlink(String path, String target) {
    if (target == null || target.isEmpty()) {
      throw new IllegalArgumentException("initramfs symlink " + path + " needs a non-empty target");
    }
    return put(normalize(path), new Symlink(target));
  }

  /** A character device node, e.g. {@code /dev/console} 5:1. */
  public InitramfsBuilder characterDevice(String path, int permissions, int major, int minor) {
    return put(normalize(path), new CharacterDevice(checked(permissions, path), major, minor));
  }

  /**
   * {@code /dev/console} (c 5 1) and {@code /dev/null} (c 1 3). The kernel opens /dev/console as
   * init's stdin, stdout and stderr before init runs, before any devtmpfs is mounted: without this
   * node init has no output at all.
   */
  public InitramfsBuilder consoleDevices() {
    characterDevice("/dev/console", 0600, 5, 1);
    return characterDevice("/dev/null", 0666, 1, 3);
  }

  /** True when the archive has an entry (explicit or an added parent directory) at this path. */
  public boolean contains(String path) {
    return entries.containsKey(normalize(path));
  }

  /** Every entry's absolute in-guest path, in archive order. */
  public NavigableSet<String> paths() {
    NavigableSet<String> paths = new TreeSet<>();
    entries.keySet().forEach(p -> paths.add("/" + p));
    return Collections.unmodifiableNavigableSet(paths);
  }

  /**
   * Writes the gzip-compressed archive to {@code out}, through a temporary file in the same folder
   * that is moved into place, so a reader never sees half an image.
   */
  public void write(Path out) {
    Path target = out.toAbsolutePath();
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".partial");
      try (OutputStream file = Files.newOutputStream(temp)) {
        writeTo(file);
      }
      // temp files are created 0600; an image is read by QEMU, possibly as another user
      if (Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
    } catch (IOException e) {
      throw new InitramfsException("cannot write initramfs " + target + ": " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the write already failed; that failure is the one worth reporting
        }
      }
    }
  }

  /** Writes the gzip-compressed archive to {@code out} and closes it. */
  public void writeTo(OutputStream out) throws IOException {
    // Java's GZIPOutputStream writes a fixed header (no mtime, no file name): reproducible.
    try (CpioNewcWriter cpio =
        new CpioNewcWriter(new GZIPOutputStream(new BufferedOutputStream(out, 1 << 16), 1 << 16))) {
      for (var e : entries.entrySet()) {
        e.getValue().writeTo(cpio, e.getKey());
      }
    }
  }

  private static int checked(int permissions, String path) {
    if ((permissions & ~07777) != 0) {
      throw new IllegalArgumentException(
          "initramfs path "
              + path
              + ": permissions 0"
              + Integer.toOctalString(permissions)
              + " are not within 0 to 07777 (the file type comes from the entry kind)");
    }
    return permissions;
  }

  private InitramfsBuilder put(String name, Entry entry) {
    addParents(name);
    Entry existing = entries.get(name);
    if (existing == null
        || (existing instanceof Directory d && d.implicit() && entry instanceof Directory)) {
      entries.put(name, entry);
    } else if (!existing.equals(entry)) {
      throw new InitramfsException(
          "initramfs path /"
              + name
              + " is already "
              + existing.describe()
              + "; cannot also add "
              + entry.describe());
    }
    return this;
  }

  private void addParents(String name) {
    List<String> parents = new ArrayList<>();
    for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
      parents.add(name.substring(0, slash));
    }
    for (String parent : parents) {
      Entry existing = entries.get(parent);
      if (existing == null) {
        entries.put(parent, new Directory(0755, true));
      } else if (!(existing instanceof Directory)) {
        throw new InitramfsException(
            "initramfs path /"
                + name
                + " needs /"
                + parent
                + " to be a directory, but it is already "
                + existing.describe());
      }
    }
  }

  /** "/bin/busybox", "bin/busybox" and "/bin//busybox" all become "bin/busybox". */
  static String normalize(String path) {
    if (path == null) {
      throw new IllegalArgumentException("initramfs path is null");
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "initramfs path '" + path + "' must not contain '.', '..' or NUL components");
      }
      parts.add(part);
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(
          "initramfs path '" + path + "' names the root; give a path below it, e.g. /bin/busybox");
    }
    return String.join("/", parts);
  }

  private sealed interface Entry {
    void writeTo(CpioNewcWriter cpio, String name) throws IOException;

    String describe();
  }

  private record Directory(int permissions, boolean implicit) implements Entry {
    @Override
    public void writeTo(CpioNewcWriter cpio, String name) throws IOException {
      cpio.directory(name, permissions);
    }

    @Override
    public String describe() {
      return "a directory (0" + Integer.toOctalString(permissions) + ")";
    }
  }

  private record HostFile(Path source, int permissions) implements Entry {
    @Override
    public void writeTo(CpioNewcWriter cpio, String name) throws IOException {
      cpio.file(name, permissions, source);
    }

    @Override
    public String describe() {
      return "the file " + source + " (0" + Integer.toOctalString(permissions) + ")";
    }
  }

  private record BytesFile(byte[] content, int permissions) implements Entry {
    @Override
    public void writeTo(CpioNewcWriter cpio, String name) throws IOException {
      cpio.file(name, permissions, content);
    }

    @Override
    public String describe() {
      return "a " + content.length + "-byte file (0" + Integer.toOctalString(permissions) + ")";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesFile other
          && permissions == other.permissions
          && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(content) + permissions;
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  private record Symlink(String target) implements Entry {
    @Override
    public void writeTo(CpioNewcWriter cpio, String name) throws IOException {
      cpio.symlink(name, target);
    }

    @Override
    public String describe() {
      return "a symlink to " + target;
    }
  }

  private record CharacterDevice(int permissions, int major, int minor) implements Entry {
    @Override
    public void writeTo(CpioNewcWriter cpio, String name) throws IOException {
      cpio.characterDevice(name, permissions, major, minor);
    }

    @Override
    public String describe() {
      return "a character device " + major + ":" + minor;
    }
  }
}
