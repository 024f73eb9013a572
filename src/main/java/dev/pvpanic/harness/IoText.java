package dev.pvpanic.harness;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An I/O failure as a person reads it: what happened and where, never a Java class name (a full
 * disk said "java.io.IOException: No space left on device" with no folder and no size).
 */
public final class IoText {
  private IoText() {}

  /**
   * What went wrong with {@code where} (a file or the folder it was written to): a full or
   * read-only file system names the folder and its free space.
   */
  public static String of(IOException e, Path where) {
    String message = String.valueOf(e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("no space left on device") || lower.contains("disk quota exceeded")) {
      return "no space left on the device of " + where + free(where);
    }
    if (lower.contains("read-only file system")) {
      return where + " is on a read-only file system (a cache or build folder must be writable)";
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + (a.getFile() == null ? where : a.getFile());
    }
    if (e instanceof NoSuchFileException n) {
      return "no such file or folder: " + (n.getFile() == null ? where : n.getFile());
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + ": " + (f.getFile() == null ? where : f.getFile());
    }
    return message;
  }

  private static String free(Path where) {
    for (Path p = where.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        try {
          long mib = Files.getFileStore(p).getUsableSpace() >> 20;
          return " ("
              + mib
              + " MiB free there; free some space, or use a folder on another file system)";
        } catch (IOException ignored) {
          return "";
        }
      }
    }
    return "";
  }
}
