package dev.pvpanic.harness.image.initramfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The few facts of an ELF file an initramfs needs: its machine, its interpreter ({@code PT_INTERP})
 * and the shared libraries it names ({@code DT_NEEDED}). Pure Java, reading the file as data, so it
 * works for any architecture, 32 or 64 bit, little or big endian: an aarch64 kexec is read on an
 * x86_64 host without running anything.
 *
 * <p>Only program headers are used (never section headers), since that is what the dynamic loader
 * itself uses and what survives stripping.
 */
public final class ElfFile {

  /** {@code e_machine} of x86_64. */
  public static final int EM_X86_64 = 62;

  /** {@code e_machine} of aarch64. */
  public static final int EM_AARCH64 = 183;

  /** {@code e_machine} of RISC-V (32 and 64 bit alike; the ELF class tells them apart). */
  public static final int EM_RISCV = 243;

  private static final int PT_LOAD = 1;
  private static final int PT_DYNAMIC = 2;
  private static final int PT_INTERP = 3;
  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_STRSZ = 10;
  private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

  private final String name;
  private final boolean is64Bit;
  private final ByteOrder order;
  private final int machine;
  private final Optional<String> interpreter;
  private final List<String> needed;

  private ElfFile(
      String name,
      boolean is64Bit,
      ByteOrder order,
      int machine,
      Optional<String> interpreter,
      List<String> needed) {
    this.name = name;
    this.is64Bit = is64Bit;
    this.order = order;
    this.machine = machine;
    this.interpreter = interpreter;
    this.needed = List.copyOf(needed);
  }

  /** True when the file starts with the ELF magic; false for anything else, including folders. */
  public static boolean isElf(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return Arrays.equals(head, MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads and parses {@code file}; throws {@link ElfFormatException} naming it if it is no ELF. */
  public static ElfFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InitramfsException("cannot read ELF file " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), bytes);
  }

  /** Parses an ELF image held in memory; {@code name} only appears in error messages. */
  public static ElfFile parse(String name, byte[] bytes) {
    return new Parser(name, bytes).parse();
  }

  /** {@code e_machine}, e.g. {@link #EM_X86_64} or {@link #EM_AARCH64}. */
  public int machine() {
    return machine;
  }

  /** True for ELFCLASS64, false for ELFCLASS32. */
  public boolean is64Bit() {
    return is64Bit;
  }

  /** The byte order the file is written in. */
  public ByteOrder byteOrder() {
    return order;
  }

  /**
   * The absolute path {@code PT_INTERP} names, e.g. /lib64/ld-linux-x86-64.so.2; empty if static.
   */
  public Optional<String> interpreter() {
    return interpreter;
  }

  /** The {@code DT_NEEDED} names in the order the dynamic section lists them. */
  public List<String> needed() {
    return needed;
  }

  /** The name this file was read under (its path, or what the caller passed to parse). */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name
        + " (ELF"
        + (is64Bit ? "64" : "32")
        + (order == ByteOrder.LITTLE_ENDIAN ? " LE" : " BE")
        + ", machine "
        + machine
        + ")";
  }

  private record Segment(long type, long offset, long vaddr, long filesz) {}

  private static final class Parser {
    private final String name;
    private final ByteBuffer buf;
    private boolean is64;

    Parser(String name, byte[] bytes) {
      this.name = name;
      this.buf = ByteBuffer.wrap(bytes);
    }

    ElfFile parse() {
      if (buf.capacity() < 16
          || buf.get(0) != MAGIC[0]
          || buf.get(1) != MAGIC[1]
          || buf.get(2) != MAGIC[2]
          || buf.get(3) != MAGIC[3]) {
        throw new ElfFormatException(name + " is not an ELF file (no \\x7fELF magic)");
      }
      int elfClass = buf.get(4);
      int data = buf.get(5);
      if (elfClass != 1 && elfClass != 2) {
        throw new ElfFormatException(
            name + ": unknown ELF class " + elfClass + " (1 = 32-bit, 2 = 64-bit)");
      }
      if (data != 1 && data != 2) {
        throw new ElfFormatException(
            name + ": unknown ELF data encoding " + data + " (1 = little, 2 = big endian)");
      }
      is64 = elfClass == 2;
      ByteOrder order = data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      buf.order(order);

      int machine = u16(18);
      long phoff = is64 ? u64(32) : u32(28);
      int phentsize = u16(is64 ? 54 : 42);
      int phnum = u16(is64 ? 56 : 44);
      int minEntry = is64 ? 56 : 32;
      if (phnum > 0 && phentsize < minEntry) {
        throw new ElfFormatException(
            name + ": program header entries of " + phentsize + " bytes, need " + minEntry);
      }
      if (phnum == 0xffff) {
        throw new ElfFormatException(name + ": extended program header numbering is unsupported");
      }

      List<Segment> segments = new ArrayList<>();
      for (int i = 0; i < phnum; i++) {
        long at = phoff + (long) i * phentsize;
        segments.add(is64 ? segment64(at) : segment32(at));
      }

      Optional<String> interpreter = Optional.empty();
      Segment dynamic = null;
      for (Segment s : segments) {
        if (s.type() == PT_INTERP) {
          interpreter = Optional.of(string(s.offset(), s.offset() + s.filesz(), "PT_INTERP"));
        } else if (s.type() == PT_DYNAMIC) {
          dynamic = s;
        }
      }
      List<String> needed = dynamic == null ? List.of() : needed(dynamic, segments);
      return new ElfFile(name, is64, order, machine, interpreter, needed);
    }

    private List<String> needed(Segment dynamic, List<Segment> segments) {
      int entrySize = is64 ? 16 : 8;
      List<Long> neededOffsets = new ArrayList<>();
      long strtab = -1;
      long strsz = -1;
      for (long at = dynamic.offset();
          at + entrySize <= dynamic.offset() + dynamic.filesz();
          at += entrySize) {
        long tag = is64 ? u64(at) : u32(at);
        long value = is64 ? u64(at + 8) : u32(at + 4);
        if (tag == DT_NULL) {
          break;
        } else if (tag == DT_NEEDED) {
          neededOffsets.add(value);
        } else if (tag == DT_STRTAB) {
          strtab = value;
        } else if (tag == DT_STRSZ) {
          strsz = value;
        }
      }
      if (neededOffsets.isEmpty()) {
        return List.of();
      }
      if (strtab < 0) {
        throw new ElfFormatException(name + ": DT_NEEDED entries but no DT_STRTAB");
      }
      // DT_STRTAB is a virtual address: find the file offset through the loadable segments.
      long tableOffset = fileOffset(strtab, segments);
      long tableEnd = strsz < 0 ? buf.capacity() : tableOffset + strsz;
      List<String> names = new ArrayList<>();
      for (long offset : neededOffsets) {
        names.add(string(tableOffset + offset, tableEnd, "DT_NEEDED"));
      }
      return names;
    }

    private long fileOffset(long vaddr, List<Segment> segments) {
      for (Segment s : segments) {
        if (s.type() == PT_LOAD && vaddr >= s.vaddr() && vaddr < s.vaddr() + s.filesz()) {
          return s.offset() + (vaddr - s.vaddr());
        }
      }
      throw new ElfFormatException(
          name + ": DT_STRTAB address 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
    }

    private Segment segment64(long at) {
      return new Segment(u32(at), u64(at + 8), u64(at + 16), u64(at + 32));
    }

    private Segment segment32(long at) {
      return new Segment(u32(at), u32(at + 4), u32(at + 8), u32(at + 16));
    }

    /** The NUL-terminated string at {@code start}, which must end before {@code limit}. */
    private String string(long start, long limit, String what) {
      long end = Math.min(limit, buf.capacity());
      check(start, 1, what);
      for (long i = start; i < end; i++) {
        if (buf.get((int) i) == 0) {
          byte[] bytes = new byte[(int) (i - start)];
          buf.get((int) start, bytes);
          return new String(bytes, StandardCharsets.UTF_8);
        }
      }
      throw new ElfFormatException(
          name + ": " + what + " string at offset " + start + " has no terminating NUL");
    }

    private int u16(long at) {
      check(at, 2, "header");
      return Short.toUnsignedInt(buf.getShort((int) at));
    }

    private long u32(long at) {
      check(at, 4, "header");
      return Integer.toUnsignedLong(buf.getInt((int) at));
    }

    private long u64(long at) {
      check(at, 8, "header");
      // values beyond 2^63 only occur in fields never used as offsets here; check() rejects
      // them where they would be
      return buf.getLong((int) at);
    }

    private void check(long at, int length, String what) {
      if (at < 0 || at + length > buf.capacity()) {
        throw new ElfFormatException(
            name
                + " is truncated or corrupt: "
                + what
                + " needs bytes "
                + at
                + ".."
                + (at + length)
                + " of a "
                + buf.capacity()
                + "-byte file");
      }
    }
  }
}
