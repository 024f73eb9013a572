package dev.pvpanic.harness.image.initramfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a cpio archive in the SVR4 "newc" format ({@code 070701}), the one the Linux kernel
 * unpacks into its rootfs (Documentation/driver-api/early-userspace/buffer-format.rst).
 *
 * <p>Written by hand rather than with a general cpio library so every header field is under
 * control: uid, gid and mtime are always 0 (reproducible images), inode numbers count up from 1 in
 * write order (unique, so the kernel never mistakes two regular files for hard links), and {@code
 * nlink} is 1 for everything but directories (2). The caller writes directories before their
 * contents; {@link InitramfsBuilder} does that.
 *
 * <p>Names are written without a leading slash ({@code bin/busybox}), relative to the rootfs the
 * kernel unpacks into. {@link #close()} writes the {@code TRAILER!!!} entry if {@link #finish()}
 * was not called, then closes the underlying stream.
 */
public final class CpioNewcWriter implements Closeable {

  /** The trailer entry's name: the kernel stops reading an archive at it. */
  public static final String TRAILER = "TRAILER!!!";

  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;
  static final int S_IFLNK = 0120000;
  static final int S_IFCHR = 0020000;
  static final int S_IFBLK = 0060000;

  private static final String MAGIC = "070701";
  private static final int HEADER_LENGTH = 110;
  private static final long MAX_FIELD = 0xFFFF_FFFFL;

  private final OutputStream out;
  private long written;
  private int nextInode = 1;
  private boolean finished;
  private boolean closed;

  public CpioNewcWriter(OutputStream out) {
    this.out = out;
  }

  /** A directory; {@code permissions} are the low 12 mode bits, e.g. {@code 0755}. */
  public void directory(String name, int permissions) throws IOException {
    header(name, S_IFDIR | permissions(permissions, name), 2, 0, 0, 0);
  }

  /** A regular file whose content is {@code content}. */
  public void file(String name, int permissions, byte[] content) throws IOException {
    header(name, S_IFREG | permissions(permissions, name), 1, content.length, 0, 0);
    data(content);
  }

  /**
   * A regular file streamed from {@code source}; fails if the file changes size while it is read,
   * since the header already promised the old size.
   */
  public void file(String name, int permissions, Path source) throws IOException {
    long size = Files.size(source);
    header(name, S_IFREG | permissions(permissions, name), 1, size, 0, 0);
    long copied;
    try (InputStream in = Files.newInputStream(source)) {
      copied = in.transferTo(out);
    }
    if (copied != size) {
      throw new InitramfsException(
          "cpio entry "
              + name
              + ": "
              + source
              + " changed size while read: "
              + size
              + " -> "
              + copied);
    }
    written += copied;
    pad();
  }

  /** A symbolic link; its target is stored as the entry's data, without a terminating NUL. */
  public void symlink(String name, String target) throws IOException {
    if (target.isEmpty()) {
      throw new IllegalArgumentException("cpio symlink " + name + " has an empty target");
    }
    byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
    header(name, S_IFLNK | 0777, 1, bytes.length, 0, 0);
    data(bytes);
  }

  /** A character device node, e.g. {@code dev/console} 5:1. */
  public void characterDevice(String name, int permissions, int major, int minor)
      throws IOException {
    header(name, S_IFCHR | permissions(permissions, name), 1, 0, major, minor);
  }

  /** A block device node. */
  public void blockDevice(String name, int permissions, int major, int minor) throws IOException {
    header(name, S_IFBLK | permissions(permissions, name), 1, 0, major, minor);
  }

  /** Writes the trailer entry; nothing may be added afterwards. Calling it twice does nothing. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    // The trailer is an ordinary header with every number 0 but nlink (1), as GNU cpio writes it.
    writeHeader(TRAILER, 0, 0, 1, 0, 0, 0);
    finished = true;
    out.flush();
  }

  /** Bytes written so far, padding included. */
  public long bytesWritten() {
    return written;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      finish();
    } finally {
      out.close();
    }
  }

  private void header(String name, int mode, int nlink, long size, int rdevMajor, int rdevMinor)
      throws IOException {
    if (finished) {
      throw new IllegalStateException("cpio archive already finished; cannot add " + name);
    }
    checkName(name);
    if (size > MAX_FIELD) {
      throw new InitramfsException(
          "cpio entry " + name + " is " + size + " bytes; newc stores at most 4 GiB - 1");
    }
    writeHeader(name, nextInode++, mode, nlink, size, rdevMajor, rdevMinor);
  }

  private void writeHeader(
      String name, int inode, int mode, int nlink, long size, int rdevMajor, int rdevMinor)
      throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder h = new StringBuilder(HEADER_LENGTH);
    h.append(MAGIC);
    hex(h, inode);
    hex(h, mode);
    hex(h, 0); // uid
    hex(h, 0); // gid
    hex(h, nlink);
    hex(h, 0); // mtime: 0 so the same inputs give the same bytes
    hex(h, size);
    hex(h, 0); // devmajor of the (imaginary) filesystem the entry came from
    hex(h, 0); // devminor
    hex(h, rdevMajor);
    hex(h, rdevMinor);
    hex(h, nameBytes.length + 1L); // namesize counts the NUL
    hex(h, 0); // check: only used by the "crc" variant 070702
    out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(nameBytes);
    out.write(0);
    written += HEADER_LENGTH + nameBytes.length + 1L;
    // header + name is padded so the data starts on a 4-byte boundary
    pad();
  }

  private void data(byte[] bytes) throws IOException {
    out.write(bytes);
    written += bytes.length;
    pad();
  }

  private void pad() throws IOException {
    int padding = (int) ((4 - (written & 3)) & 3);
    for (int i = 0; i < padding; i++) {
      out.write(0);
    }
    written += padding;
  }

  private static void hex(StringBuilder h, long value) {
    if (value < 0 || value > MAX_FIELD) {
      throw new IllegalArgumentException("cpio header field out of range: " + value);
    }
    String digits = Long.toHexString(value).toUpperCase(Locale.ROOT);
    h.append("0".repeat(8 - digits.length())).append(digits);
  }

  private static int permissions(int permissions, String name) {
    if ((permissions & ~07777) != 0) {
      throw new IllegalArgumentException(
          "cpio entry "
              + name
              + ": permissions 0"
              + Integer.toOctalString(permissions)
              + " carry more than the 12 permission bits (0 to 07777)");
    }
    return permissions;
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "cpio entry name '"
              + name
              + "' must be a non-empty relative path without NUL (e.g. bin/busybox)");
    }
    if (name.equals(TRAILER)) {
      throw new IllegalArgumentException("cpio entry name " + TRAILER + " is reserved");
    }
  }
}
