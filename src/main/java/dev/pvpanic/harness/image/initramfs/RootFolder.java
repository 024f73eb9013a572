package dev.pvpanic.harness.image.initramfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A folder holding an extracted guest file system (several Debian packages unpacked into one tree),
 * with path lookup as the guest would do it: symlinks are followed inside the folder, an absolute
 * target starts again at the folder (never at the host's /), and {@code ..} stops at the folder.
 */
final class RootFolder {

  /** The kernel gives up after 40 symlinks in one lookup (ELOOP); so does this. */
  private static final int MAX_SYMLINKS = 40;

  private final Path root;

  RootFolder(Path root) {
    if (!Files.isDirectory(root)) {
      throw new InitramfsException("extracted root " + root + " is not a folder");
    }
    this.root = root.toAbsolutePath().normalize();
  }

  Path path() {
    return root;
  }

  /** The host path of an in-guest path that has no symlink in it (as {@link #resolve} returns). */
  Path host(String guestPath) {
    String relative = guestPath.replaceFirst("^/+", "");
    return relative.isEmpty() ? root : root.resolve(relative);
  }

  /**
   * Where {@code guestPath} leads inside the root: the in-guest path with every symlink resolved,
   * and the symlinks met as the LAST component on the way (a library's version links such as
   * libz.so.1 -> libz.so.1.2.13), each at its own resolved location. Symlinked folders on the way
   * (usrmerge's /lib -> usr/lib) are followed but not listed: the files and links are placed at
   * their real locations instead. Empty when nothing exists there.
   */
  Optional<Resolved> resolve(String guestPath) {
    Deque<String> pending = new ArrayDeque<>(components(guestPath));
    List<String> resolved = new ArrayList<>();
    List<String> links = new ArrayList<>();
    int followed = 0;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!resolved.isEmpty()) {
          resolved.remove(resolved.size() - 1);
        }
        continue;
      }
      String candidate = join(resolved, part);
      Path host = host(candidate);
      if (Files.isSymbolicLink(host)) {
        if (++followed > MAX_SYMLINKS) {
          throw new InitramfsException(
              "too many symlinks resolving " + guestPath + " in " + root + " (a loop?)");
        }
        if (pending.isEmpty()) {
          links.add(candidate);
        }
        String target = readLink(host);
        if (target.startsWith("/")) {
          resolved.clear();
        }
        List<String> targetParts = components(target);
        for (int i = targetParts.size() - 1; i >= 0; i--) {
          pending.addFirst(targetParts.get(i));
        }
        continue;
      }
      if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      if (!pending.isEmpty() && !Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      resolved.add(part);
    }
    return Optional.of(new Resolved(join(resolved, null), links));
  }

  /** A resolved in-guest path and the symlinks (in-guest paths) that led to it. */
  record Resolved(String path, List<String> links) {}

  private static String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      throw new InitramfsException("cannot read symlink " + link + ": " + e.getMessage(), e);
    }
  }

  private static List<String> components(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }

  private static String join(List<String> parts, String last) {
    StringBuilder s = new StringBuilder();
    for (String p : parts) {
      s.append('/').append(p);
    }
    if (last != null) {
      s.append('/').append(last);
    }
    return s.length() == 0 ? "/" : s.toString();
  }
}
