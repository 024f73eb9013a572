package dev.pvpanic.harness.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Bytes of an ELF file addressed by their offset in the file: the whole file held in memory, or a
 * window of it read from disk (a memory dump is as large as the guest's RAM). A field that lies
 * outside the file is refused, naming the file, the field and the file's size; one inside the file
 * but outside the window is a bug of the caller.
 */
final class ElfBytes {
  private final String name;
  private final long fileSize;
  private final long base;
  private final ByteBuffer buf;

  private ElfBytes(String name, long fileSize, long base, ByteBuffer buf) {
    this.name = name;
    this.fileSize = fileSize;
    this.base = base;
    this.buf = buf;
  }

  /** A whole file held in memory. */
  static ElfBytes of(String name, byte[] bytes) {
    return new ElfBytes(name, bytes.length, 0, ByteBuffer.wrap(bytes));
  }

  /** The bytes {@code [offset, offset + length)} of {@code ch}, as far as the file has them. */
  static ElfBytes window(String name, FileChannel ch, long offset, long length) throws IOException {
    long size = ch.size();
    long start = Math.max(0, Math.min(offset, size));
    int n = (int) Math.min(Math.max(0, Math.min(length, size - start)), Integer.MAX_VALUE - 8);
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining() && ch.read(b, start + b.position()) > 0) {
      // read until full or end of file
    }
    return new ElfBytes(name, size, start, b);
  }

  String name() {
    return name;
  }

  long fileSize() {
    return fileSize;
  }

  ByteOrder byteOrder() {
    return buf.order();
  }

  /** From now on multi-byte fields are read in {@code order}. */
  void order(ByteOrder order) {
    buf.order(order);
  }

  int u8(long at) {
    check(at, 1, "header");
    return Byte.toUnsignedInt(buf.get(index(at)));
  }

  int u16(long at) {
    check(at, 2, "header");
    return Short.toUnsignedInt(buf.getShort(index(at)));
  }

  long u32(long at) {
    check(at, 4, "header");
    return Integer.toUnsignedLong(buf.getInt(index(at)));
  }

  long u64(long at) {
    check(at, 8, "header");
    // values beyond 2^63 only occur in fields never used as offsets here; check() rejects
    // them where they would be
    return buf.getLong(index(at));
  }

  /** The NUL-terminated string at {@code start}, which must end before {@code limit}. */
  String string(long start, long limit, String what) {
    check(start, 1, what);
    long nul = nul(start, Math.min(limit, fileSize));
    if (nul < 0) {
      throw new ElfFormatException(
          name + ": " + what + " string at offset " + start + " has no terminating NUL");
    }
    return text(start, nul);
  }

  /** The string at {@code start} up to its NUL, or up to the end of the file if it has none. */
  String stringOrRest(long start) {
    long nul = nul(start, fileSize);
    return text(start, nul < 0 ? fileSize : nul);
  }

  /** The bytes {@code [at, at + length)}, which must lie in the file. */
  byte[] copy(long at, int length, String what) {
    check(at, length, what);
    byte[] bytes = new byte[length];
    buf.get(index(at), bytes);
    return bytes;
  }

  private long nul(long start, long end) {
    for (long i = start; i < end; i++) {
      if (buf.get(index(i)) == 0) {
        return i;
      }
    }
    return -1;
  }

  private String text(long start, long end) {
    byte[] bytes = new byte[(int) (end - start)];
    if (bytes.length > 0) {
      buf.get(index(start), bytes);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  void check(long at, int length, String what) {
    if (at < 0 || at + length > fileSize) {
      throw new ElfFormatException(
          name
              + " is truncated or corrupt: "
              + what
              + " needs bytes "
              + at
              + ".."
              + (at + length)
              + " of a "
              + fileSize
              + "-byte file");
    }
  }

  private int index(long at) {
    long i = at - base;
    if (i < 0 || i >= buf.capacity()) {
      throw new IllegalStateException(
          name
              + ": byte "
              + at
              + " is outside the bytes read ("
              + base
              + "+"
              + buf.capacity()
              + ")");
    }
    return (int) i;
  }
}
