package dev.pvpanic.harness.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ELF file held in memory read by its section headers, and a section's bytes by name: what an
 * object that is never loaded carries, e.g. a kernel module's {@code .modinfo}. The file must have
 * a section header table and a section name table inside the file; a section's own bytes are only
 * checked when they are asked for. Extended section numbering ({@code e_shnum} 0 with the count in
 * section 0) is refused as a table out of range: no module has 65,280 sections.
 */
public final class ElfSections {
  private static final int SMALLEST_ENTRY32 = 0x28;
  private static final int SMALLEST_ENTRY64 = 0x40;

  /**
   * One section header: its name (empty when the name table has none for it), its type ({@code
   * sh_type}), and where its bytes lie in the file.
   */
  public record Section(String name, long type, long offset, long size) {}

  private final ElfBytes data;
  private final ElfHeaders headers;
  private final List<Section> sections;

  private ElfSections(ElfBytes data, ElfHeaders headers, List<Section> sections) {
    this.data = data;
    this.headers = headers;
    this.sections = List.copyOf(sections);
  }

  /** Parses the headers of {@code bytes}; {@code name} only appears in error messages. */
  public static ElfSections parse(String name, byte[] bytes) {
    ElfBytes data = ElfBytes.of(name, bytes);
    ElfHeaders headers = ElfHeaders.parse(data);
    boolean is64 = headers.is64Bit();
    long tableOffset = is64 ? data.u64(0x28) : data.u32(0x20);
    int entrySize = data.u16(is64 ? 0x3a : 0x2e);
    int count = data.u16(is64 ? 0x3c : 0x30);
    int namesIndex = data.u16(is64 ? 0x3e : 0x32);
    if (count == 0
        || namesIndex >= count
        || entrySize < (is64 ? SMALLEST_ENTRY64 : SMALLEST_ENTRY32)
        || tableOffset < 0
        || tableOffset > data.fileSize() - (long) count * entrySize) {
      throw new ElfFormatException(name + ": section header table out of range");
    }
    Entry names = Entry.at(data, is64, tableOffset + (long) namesIndex * entrySize);
    checkInFile(data, names.offset(), names.size(), ".shstrtab");
    List<Section> sections = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Entry e = Entry.at(data, is64, tableOffset + (long) i * entrySize);
      // a name outside the name table is no name, as a name running past it ends with the file
      String sectionName =
          e.name() < names.size() ? data.stringOrRest(names.offset() + e.name()) : "";
      sections.add(new Section(sectionName, e.type(), e.offset(), e.size()));
    }
    return new ElfSections(data, headers, sections);
  }

  /** The file header and program headers. */
  public ElfHeaders headers() {
    return headers;
  }

  /** Every section header in the order of the table, the null section 0 first. */
  public List<Section> sections() {
    return sections;
  }

  /** The first section called {@code name}. */
  public Optional<Section> section(String name) {
    return sections.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * The bytes of the first section called {@code name}, empty when there is none; throws {@link
   * ElfFormatException} when its bytes lie outside the file.
   */
  public Optional<byte[]> bytes(String name) {
    return section(name)
        .map(
            s -> {
              checkInFile(data, s.offset(), s.size(), name);
              return data.copy(s.offset(), (int) s.size(), name);
            });
  }

  private static void checkInFile(ElfBytes data, long offset, long size, String what) {
    if (offset < 0 || size < 0 || offset > data.fileSize() - size) {
      throw new ElfFormatException(data.name() + ": " + what + " lies outside the file");
    }
  }

  /** A section header as the table holds it: the name is an offset into the name table. */
  private record Entry(long name, long type, long offset, long size) {
    static Entry at(ElfBytes data, boolean is64, long at) {
      return is64
          ? new Entry(data.u32(at), data.u32(at + 4), data.u64(at + 0x18), data.u64(at + 0x20))
          : new Entry(data.u32(at), data.u32(at + 4), data.u32(at + 0x10), data.u32(at + 0x14));
    }
  }
}
