package dev.pvpanic.harness.elf;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every reader of an ELF file reads first: the identification (class, byte order), the file
 * header's type and machine, and the program headers, one {@link Segment} each. Works for any
 * architecture, 32 or 64 bit, little or big endian, reading the file as data, so an aarch64 program
 * or dump is read on an x86_64 host without running anything. Section headers are not read here:
 * programs are loaded and dumps are laid out by their program headers, which survive stripping;
 * {@link ElfSections} reads them for the files that need them (a kernel module).
 *
 * @param name the file's name in error messages
 * @param fileSize the file's size in bytes
 * @param type {@code e_type}, e.g. {@link #ET_CORE}
 * @param machine {@code e_machine}, e.g. {@link ElfMachine#X86_64}
 */
public record ElfHeaders(
    String name,
    long fileSize,
    boolean is64Bit,
    ByteOrder byteOrder,
    int type,
    int machine,
    List<Segment> segments) {

  /** {@code e_type} of a relocatable object, which every kernel module ({@code .ko}) is. */
  public static final int ET_REL = 1;

  /** {@code e_type} of a core file, which a memory dump is. */
  public static final int ET_CORE = 4;

  /** The size of an ELF32 file header, the smallest an ELF file can be. */
  public static final int SMALLEST_HEADER = 52;

  private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
  private static final int LARGEST_HEADER = 64;

  public ElfHeaders {
    segments = List.copyOf(segments);
  }

  /**
   * One program header: a segment's type ({@link #PT_LOAD}, ...), where it lies in the file, its
   * virtual address and how many bytes of it the file holds.
   */
  public record Segment(long type, long offset, long vaddr, long fileSize) {
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;

    /** The offset just past the segment's bytes in the file. */
    public long end() {
      return offset + fileSize;
    }
  }

  /** Whether {@code head} starts with the ELF magic, {@code \x7fELF}. */
  public static boolean hasMagic(byte[] head) {
    return head.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
  }

  /** Parses the headers of a file held in memory; {@code name} only appears in error messages. */
  public static ElfHeaders parse(String name, byte[] bytes) {
    return parse(ElfBytes.of(name, bytes));
  }

  /** Reads the headers of a file from disk: only they are read, however large the file. */
  static ElfHeaders read(String name, FileChannel ch) throws IOException {
    ElfBytes header = ElfBytes.window(name, ch, 0, LARGEST_HEADER);
    Table t = table(header);
    ElfBytes table = header;
    if (t.count() > 0) {
      long bytes = (long) t.count() * t.entrySize();
      header.check(t.offset(), (int) Math.min(bytes, Integer.MAX_VALUE), "program header table");
      table = ElfBytes.window(name, ch, t.offset(), bytes);
      table.order(header.byteOrder());
    }
    return headers(header, t, table);
  }

  /** Parses the headers of {@code bytes}, and leaves it in the file's byte order. */
  static ElfHeaders parse(ElfBytes bytes) {
    return headers(bytes, table(bytes), bytes);
  }

  /** Where the program header table is; the header is checked and {@code h} put in its order. */
  private record Table(
      boolean is64, int type, int machine, long offset, int entrySize, int count) {}

  private static Table table(ElfBytes h) {
    if (h.fileSize() < 16
        || h.u8(0) != MAGIC[0]
        || h.u8(1) != MAGIC[1]
        || h.u8(2) != MAGIC[2]
        || h.u8(3) != MAGIC[3]) {
      throw new ElfFormatException(h.name() + " is not an ELF file (no \\x7fELF magic)");
    }
    int elfClass = (byte) h.u8(4);
    int data = (byte) h.u8(5);
    if (elfClass != 1 && elfClass != 2) {
      throw new ElfFormatException(
          h.name() + ": unknown ELF class " + elfClass + " (1 = 32-bit, 2 = 64-bit)");
    }
    if (data != 1 && data != 2) {
      throw new ElfFormatException(
          h.name() + ": unknown ELF data encoding " + data + " (1 = little, 2 = big endian)");
    }
    boolean is64 = elfClass == 2;
    h.order(data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    int machine = h.u16(18);
    long phoff = is64 ? h.u64(32) : h.u32(28);
    int phentsize = h.u16(is64 ? 54 : 42);
    int phnum = h.u16(is64 ? 56 : 44);
    int type = h.u16(16); // after the fields above: a cut file is reported at the first of them
    int minEntry = is64 ? 56 : 32;
    if (phnum > 0 && phentsize < minEntry) {
      throw new ElfFormatException(
          h.name() + ": program header entries of " + phentsize + " bytes, need " + minEntry);
    }
    if (phnum == 0xffff) {
      throw new ElfFormatException(h.name() + ": extended program header numbering is unsupported");
    }
    return new Table(is64, type, machine, phoff, phentsize, phnum);
  }

  private static ElfHeaders headers(ElfBytes h, Table t, ElfBytes table) {
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < t.count(); i++) {
      long at = t.offset() + (long) i * t.entrySize();
      segments.add(
          t.is64()
              ? new Segment(
                  table.u32(at), table.u64(at + 8), table.u64(at + 16), table.u64(at + 32))
              : new Segment(
                  table.u32(at), table.u32(at + 4), table.u32(at + 8), table.u32(at + 16)));
    }
    return new ElfHeaders(
        h.name(), h.fileSize(), t.is64(), h.byteOrder(), t.type(), t.machine(), segments);
  }
}
