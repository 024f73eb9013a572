package dev.pvpanic.harness.elf;

import dev.pvpanic.harness.HarnessException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A program or shared library as the dynamic loader sees it, the few facts an initramfs needs: its
 * machine, its interpreter ({@code PT_INTERP}) and the shared libraries it names ({@code
 * DT_NEEDED}). The file is read whole (programs and libraries are small) and its headers by {@link
 * ElfHeaders}.
 */
public final class ElfFile {
  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_STRSZ = 10;

  private final ElfHeaders headers;
  private final Optional<String> interpreter;
  private final List<String> needed;

  private ElfFile(ElfHeaders headers, Optional<String> interpreter, List<String> needed) {
    this.headers = headers;
    this.interpreter = interpreter;
    this.needed = List.copyOf(needed);
  }

  /** True when the file starts with the ELF magic; false for anything else, including folders. */
  public static boolean isElf(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return ElfHeaders.hasMagic(in.readNBytes(4));
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
      throw new HarnessException("cannot read ELF file " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), bytes);
  }

  /** Parses an ELF image held in memory; {@code name} only appears in error messages. */
  public static ElfFile parse(String name, byte[] bytes) {
    ElfBytes data = ElfBytes.of(name, bytes);
    ElfHeaders headers = ElfHeaders.parse(data);
    Optional<String> interpreter = Optional.empty();
    ElfHeaders.Segment dynamic = null;
    for (ElfHeaders.Segment s : headers.segments()) {
      if (s.type() == ElfHeaders.Segment.PT_INTERP) {
        interpreter = Optional.of(data.string(s.offset(), s.end(), "PT_INTERP"));
      } else if (s.type() == ElfHeaders.Segment.PT_DYNAMIC) {
        dynamic = s;
      }
    }
    List<String> needed =
        dynamic == null ? List.of() : needed(data, headers.is64Bit(), dynamic, headers.segments());
    return new ElfFile(headers, interpreter, needed);
  }

  /** {@code e_machine}, e.g. {@link ElfMachine#X86_64} or {@link ElfMachine#AARCH64}. */
  public int machine() {
    return headers.machine();
  }

  /** True for ELFCLASS64, false for ELFCLASS32. */
  public boolean is64Bit() {
    return headers.is64Bit();
  }

  /** The byte order the file is written in. */
  public ByteOrder byteOrder() {
    return headers.byteOrder();
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
    return headers.name();
  }

  @Override
  public String toString() {
    return name()
        + " (ELF"
        + (is64Bit() ? "64" : "32")
        + (byteOrder() == ByteOrder.LITTLE_ENDIAN ? " LE" : " BE")
        + ", machine "
        + machine()
        + ")";
  }

  private static List<String> needed(
      ElfBytes data, boolean is64, ElfHeaders.Segment dynamic, List<ElfHeaders.Segment> segments) {
    int entrySize = is64 ? 16 : 8;
    List<Long> neededOffsets = new ArrayList<>();
    long strtab = -1;
    long strsz = -1;
    for (long at = dynamic.offset(); at + entrySize <= dynamic.end(); at += entrySize) {
      long tag = is64 ? data.u64(at) : data.u32(at);
      long value = is64 ? data.u64(at + 8) : data.u32(at + 4);
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
      throw new ElfFormatException(data.name() + ": DT_NEEDED entries but no DT_STRTAB");
    }
    // DT_STRTAB is a virtual address: find the file offset through the loadable segments.
    long tableOffset = fileOffset(data.name(), strtab, segments);
    long tableEnd = strsz < 0 ? data.fileSize() : tableOffset + strsz;
    List<String> names = new ArrayList<>();
    for (long offset : neededOffsets) {
      names.add(data.string(tableOffset + offset, tableEnd, "DT_NEEDED"));
    }
    return names;
  }

  private static long fileOffset(String name, long vaddr, List<ElfHeaders.Segment> segments) {
    for (ElfHeaders.Segment s : segments) {
      if (s.type() == ElfHeaders.Segment.PT_LOAD
          && vaddr >= s.vaddr()
          && vaddr < s.vaddr() + s.fileSize()) {
        return s.offset() + (vaddr - s.vaddr());
      }
    }
    throw new ElfFormatException(
        name + ": DT_STRTAB address 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
  }
}
