package dev.pvpanic.harness.image.kmod;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tukaani.xz.XZInputStream;

/**
 * What a kernel module says about itself: its ELF type and machine, and the {@code key=value}
 * strings of its {@code .modinfo} section (NUL-separated; a key such as {@code alias} may repeat).
 * The kernel refuses a module whose {@code vermagic} differs from its own, so this is read without
 * {@code modinfo} (kmod), which need not be installed and does not read foreign ELF on every host.
 *
 * @param file where it was read from
 * @param elfType {@code e_type}: 1 is a relocatable object, which every {@code .ko} is
 * @param elfMachine {@code e_machine}, e.g. 183 for aarch64
 * @param fields the {@code .modinfo} strings by key, values in file order
 */
public record ModuleInfo(Path file, int elfType, int elfMachine, Map<String, List<String>> fields) {

  public static final int ET_REL = 1;
  private static final int MAX_MODULE_BYTES = 64 << 20;

  public ModuleInfo {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    fields = Collections.unmodifiableMap(copy);
  }

  /** Reads a {@code .ko}, or a {@code .ko.xz} as Debian ships its own modules. */
  public static ModuleInfo read(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      InputStream in = file.getFileName().toString().endsWith(".xz") ? new XZInputStream(raw) : raw;
      byte[] bytes = in.readNBytes(MAX_MODULE_BYTES + 1);
      if (bytes.length > MAX_MODULE_BYTES) {
        throw new ModuleBuildException(file + " is larger than " + MAX_MODULE_BYTES + " bytes");
      }
      return parse(file, bytes);
    } catch (IOException e) {
      throw new ModuleBuildException("cannot read module " + file + ": " + e, e);
    }
  }

  /** Parses an ELF image held in memory ({@code file} only names it in errors). */
  public static ModuleInfo parse(Path file, byte[] elf) {
    ByteBuffer b = ByteBuffer.wrap(elf);
    if (elf.length < 52 || b.getInt(0) != 0x7f454c46) {
      throw invalid(file, "not an ELF file");
    }
    boolean is64 = elf[4] == 2;
    if (elf[4] != 1 && !is64) {
      throw invalid(file, "unknown ELF class " + elf[4]);
    }
    b.order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    int type = Short.toUnsignedInt(b.getShort(16));
    int machine = Short.toUnsignedInt(b.getShort(18));
    long shoff = is64 ? b.getLong(0x28) : Integer.toUnsignedLong(b.getInt(0x20));
    int shentsize = Short.toUnsignedInt(b.getShort(is64 ? 0x3a : 0x2e));
    int shnum = Short.toUnsignedInt(b.getShort(is64 ? 0x3c : 0x30));
    int shstrndx = Short.toUnsignedInt(b.getShort(is64 ? 0x3e : 0x32));
    if (shnum == 0
        || shstrndx >= shnum
        || shentsize < (is64 ? 0x40 : 0x28)
        || shoff < 0
        || shoff + (long) shnum * shentsize > elf.length) {
      throw invalid(file, "section header table out of range");
    }
    Section strtab = Section.at(b, shoff + (long) shstrndx * shentsize, is64);
    strtab.check(file, elf, ".shstrtab");
    for (int i = 0; i < shnum; i++) {
      Section section = Section.at(b, shoff + (long) i * shentsize, is64);
      if (section.name() < strtab.size()
          && ".modinfo".equals(cString(elf, strtab.offset() + section.name()))) {
        section.check(file, elf, ".modinfo");
        return new ModuleInfo(
            file, type, machine, fields(elf, (int) section.offset(), (int) section.size()));
      }
    }
    throw invalid(file, "no .modinfo section: not a kernel module");
  }

  /** The {@code vermagic} string; throws when the module has none or several. */
  public String vermagic() {
    List<String> v = fields.getOrDefault("vermagic", List.of());
    if (v.size() != 1) {
      throw new ModuleBuildException(file + " has " + v.size() + " vermagic strings, expected 1");
    }
    return v.get(0);
  }

  /** The first value of {@code key}, e.g. {@code name} or {@code depends}. */
  public Optional<String> first(String key) {
    return fields.getOrDefault(key, List.of()).stream().findFirst();
  }

  private static Map<String, List<String>> fields(byte[] elf, int offset, int size) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    int start = offset;
    for (int i = offset; i <= offset + size; i++) {
      if (i == offset + size || elf[i] == 0) {
        if (i > start) {
          String entry = new String(elf, start, i - start, StandardCharsets.UTF_8);
          int eq = entry.indexOf('=');
          if (eq > 0) {
            fields
                .computeIfAbsent(entry.substring(0, eq), k -> new ArrayList<>())
                .add(entry.substring(eq + 1));
          }
        }
        start = i + 1;
      }
    }
    return fields;
  }

  /** The parts of an ELF section header this needs. */
  private record Section(long name, long offset, long size) {
    static Section at(ByteBuffer b, long headerOffset, boolean is64) {
      int h = Math.toIntExact(headerOffset);
      return is64
          ? new Section(
              Integer.toUnsignedLong(b.getInt(h)), b.getLong(h + 0x18), b.getLong(h + 0x20))
          : new Section(
              Integer.toUnsignedLong(b.getInt(h)),
              Integer.toUnsignedLong(b.getInt(h + 0x10)),
              Integer.toUnsignedLong(b.getInt(h + 0x14)));
    }

    void check(Path file, byte[] elf, String what) {
      if (offset < 0 || size < 0 || offset + size > elf.length) {
        throw invalid(file, what + " lies outside the file");
      }
    }
  }

  private static String cString(byte[] elf, long from) {
    int start = (int) from;
    int end = start;
    while (end < elf.length && elf[end] != 0) {
      end++;
    }
    return new String(elf, start, end - start, StandardCharsets.US_ASCII);
  }

  private static ModuleBuildException invalid(Path file, String why) {
    return new ModuleBuildException(file + ": " + why);
  }
}
