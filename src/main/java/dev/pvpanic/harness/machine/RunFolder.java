package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.file.PathUtils;

/**
 * A private (0700) folder for one machine's unix sockets, under a short root ({@code /tmp} unless
 * {@code PVH_RUN_DIR} says otherwise) because AF_UNIX paths are limited to about 108 bytes.
 *
 * <p>The name carries the owning JVM's pid and start time, so a folder left by a JVM that was
 * killed (no {@code finally} ran) is recognised and removed by {@link #sweepStale(Path)} the next
 * time a machine starts.
 */
public final class RunFolder implements AutoCloseable {
  /** Longest socket path we accept; the kernel's limit is 108 bytes including the NUL. */
  static final int MAX_SOCKET_PATH = 100;

  private static final Pattern NAME = Pattern.compile("pvh-(\\d+)-([0-9a-f]+)-\\d+");
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final long PID = ProcessHandle.current().pid();
  private static final String START =
      Long.toHexString(startSecond(ProcessHandle.current()).orElse(0L));

  private final Path path;
  private volatile boolean closed;

  private RunFolder(Path path) {
    this.path = path;
  }

  /** Creates a new private folder under {@code root}, first removing stale ones. */
  public static RunFolder create(Path root) {
    sweepStale(root);
    Path dir = root.resolve("pvh-" + PID + "-" + START + "-" + SEQUENCE.incrementAndGet());
    if (dir.resolve("console.sock").toString().length() > MAX_SOCKET_PATH) {
      throw new IllegalArgumentException(
          "run folder root '"
              + root
              + "' is too long for unix socket paths (limit ~108 bytes); set PVH_RUN_DIR to a"
              + " short folder such as /tmp");
    }
    try {
      Files.createDirectories(root);
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run folder " + dir, e);
    }
    return new RunFolder(dir);
  }

  public Path path() {
    return path;
  }

  public Path resolve(String name) {
    return path.resolve(name);
  }

  /** Removes the folder and everything in it. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    deleteTree(path);
  }

  /**
   * Removes run folders under {@code root} whose owning JVM no longer runs (no process with that
   * pid, or one that started at another time: the pid was reused).
   *
   * @return how many were removed
   */
  public static int sweepStale(Path root) {
    int removed = 0;
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "pvh-*")) {
      for (Path entry : entries) {
        Matcher m = NAME.matcher(entry.getFileName().toString());
        if (m.matches() && isStale(Long.parseLong(m.group(1)), m.group(2))) {
          deleteTree(entry);
          removed++;
        }
      }
    } catch (IOException e) {
      // A folder we can't list holds nothing of ours we could clean; the next start tries again.
    }
    return removed;
  }

  /**
   * This JVM as an owner tag ({@code <pid>-<start second, hex>}), for things that must be
   * recognised as orphaned once it is gone (run folders, containers).
   */
  public static String ownerTag() {
    return PID + "-" + START;
  }

  /** True when the JVM an {@link #ownerTag()} names no longer runs. */
  public static boolean isStaleOwner(String tag) {
    Matcher m = Pattern.compile("(\\d+)-([0-9a-f]+)").matcher(tag);
    return m.matches() && isStale(Long.parseLong(m.group(1)), m.group(2));
  }

  private static boolean isStale(long pid, String startHex) {
    Optional<ProcessHandle> owner = ProcessHandle.of(pid);
    if (owner.isEmpty() || !owner.get().isAlive()) {
      return true;
    }
    return startSecond(owner.get()).map(s -> !Long.toHexString(s).equals(startHex)).orElse(false);
  }

  private static Optional<Long> startSecond(ProcessHandle handle) {
    return handle.info().startInstant().map(Instant::getEpochSecond);
  }

  static void deleteTree(Path dir) {
    try {
      PathUtils.deleteDirectory(dir);
    } catch (NoSuchFileException e) {
      // removed concurrently, or never made: what we wanted
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
