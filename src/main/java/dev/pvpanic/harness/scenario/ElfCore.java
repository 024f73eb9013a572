package dev.pvpanic.harness.scenario;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A guest memory dump as QEMU's {@code dump-guest-memory} writes it in ELF format (dump/dump.c): an
 * ELF64 core file whose PT_NOTE segment holds one NT_PRSTATUS note per vCPU and whose PT_LOAD
 * segments are the guest's RAM. Read enough to check it: the header, that every segment lies inside
 * the file (a truncated dump does not), the notes, and whether byte strings occur in the memory
 * (the kernel's banner, its VMCOREINFO text, the panic message).
 */
final class ElfCore {
  static final int EM_X86_64 = 62;
  static final int EM_AARCH64 = 183;
  static final int EM_RISCV = 243;
  private static final int PT_LOAD = 1;
  private static final int PT_NOTE = 4;
  private static final int ET_CORE = 4;
  private static final int CHUNK = 8 << 20;

  /** One PT_LOAD segment: where in the file, how many bytes. */
  record Segment(long offset, long size) {}

  private final Path file;
  private final long fileSize;
  private final int machine;
  private final List<Segment> loads;
  private final Map<String, Integer> notes;
  private final List<String> problems;

  private ElfCore(
      Path file,
      long fileSize,
      int machine,
      List<Segment> loads,
      Map<String, Integer> notes,
      List<String> problems) {
    this.file = file;
    this.fileSize = fileSize;
    this.machine = machine;
    this.loads = loads;
    this.notes = notes;
    this.problems = problems;
  }

  /** Reads the headers of {@code file}; what is wrong with them is in {@link #problems()}. */
  static ElfCore read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      List<String> problems = new ArrayList<>();
      ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(h, 0);
      h.flip();
      if (h.remaining() < 64
          || h.get(0) != 0x7f
          || h.get(1) != 'E'
          || h.get(2) != 'L'
          || h.get(3) != 'F') {
        problems.add("not an ELF file (" + size + " bytes)");
        return new ElfCore(file, size, 0, List.of(), Map.of(), problems);
      }
      if (h.get(4) != 2 || h.get(5) != 1) {
        problems.add("not a 64-bit little-endian ELF file");
        return new ElfCore(file, size, 0, List.of(), Map.of(), problems);
      }
      int type = Short.toUnsignedInt(h.getShort(16));
      int machine = Short.toUnsignedInt(h.getShort(18));
      long phoff = h.getLong(32);
      int phentsize = Short.toUnsignedInt(h.getShort(54));
      int phnum = Short.toUnsignedInt(h.getShort(56));
      if (type != ET_CORE) {
        problems.add("ELF type " + type + ", not a core file (4)");
      }
      if (phoff + (long) phnum * phentsize > size) {
        problems.add(
            "program headers end at "
                + (phoff + (long) phnum * phentsize)
                + ", after the file's "
                + size
                + " bytes");
        return new ElfCore(file, size, machine, List.of(), Map.of(), problems);
      }
      ByteBuffer ph = ByteBuffer.allocate(phnum * phentsize).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(ph, phoff);
      List<Segment> loads = new ArrayList<>();
      Map<String, Integer> notes = new LinkedHashMap<>();
      for (int i = 0; i < phnum; i++) {
        int base = i * phentsize;
        int ptype = ph.getInt(base);
        long offset = ph.getLong(base + 8);
        long filesz = ph.getLong(base + 32);
        if (offset + filesz > size) {
          problems.add(
              "segment "
                  + i
                  + " ends at byte "
                  + (offset + filesz)
                  + " but the file has "
                  + size
                  + ": the dump is truncated");
          continue;
        }
        if (ptype == PT_LOAD && filesz > 0) {
          loads.add(new Segment(offset, filesz));
        } else if (ptype == PT_NOTE) {
          readNotes(ch, offset, filesz, notes);
        }
      }
      if (loads.isEmpty()) {
        problems.add("no memory (PT_LOAD) in the dump");
      }
      return new ElfCore(file, size, machine, loads, notes, problems);
    }
  }

  private static void readNotes(FileChannel ch, long offset, long size, Map<String, Integer> out)
      throws IOException {
    ByteBuffer b =
        ByteBuffer.allocate((int) Math.min(size, 16 << 20)).order(ByteOrder.LITTLE_ENDIAN);
    ch.read(b, offset);
    b.flip();
    while (b.remaining() >= 12) {
      int namesz = b.getInt();
      int descsz = b.getInt();
      int type = b.getInt();
      int nameLen = (namesz + 3) & ~3;
      int descLen = (descsz + 3) & ~3;
      if (nameLen < 0 || descLen < 0 || nameLen + descLen > b.remaining()) {
        break;
      }
      byte[] name = new byte[nameLen];
      b.get(name);
      b.position(b.position() + descLen);
      String n = new String(name, 0, Math.max(0, namesz - 1), StandardCharsets.US_ASCII);
      out.merge(n + "/" + type, 1, Integer::sum);
    }
  }

  /** What is wrong with the file as an ELF core; empty when its headers hold together. */
  List<String> problems() {
    return problems;
  }

  int machine() {
    return machine;
  }

  /** Notes by {@code name/type}, counted: {@code CORE/1} (NT_PRSTATUS) once per vCPU. */
  Map<String, Integer> notes() {
    return notes;
  }

  long memoryBytes() {
    return loads.stream().mapToLong(Segment::size).sum();
  }

  /** Whether {@code needle} occurs in the dumped memory (a match may span segments' chunks). */
  boolean memoryContains(byte[] needle) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK + needle.length);
      for (Segment s : loads) {
        long pos = s.offset();
        long end = s.offset() + s.size();
        int carried = 0;
        while (pos < end) {
          buf.clear();
          buf.position(carried);
          buf.limit((int) Math.min(buf.capacity(), carried + (end - pos)));
          int n = ch.read(buf, pos);
          if (n <= 0) {
            break;
          }
          pos += n;
          int len = carried + n;
          if (indexOf(buf.array(), len, needle) >= 0) {
            return true;
          }
          carried = Math.min(needle.length - 1, len);
          System.arraycopy(buf.array(), len - carried, buf.array(), 0, carried);
        }
      }
    }
    return false;
  }

  static int indexOf(byte[] hay, int len, byte[] needle) {
    if (needle.length == 0) {
      return 0;
    }
    byte first = needle[0];
    outer:
    for (int i = 0; i + needle.length <= len; i++) {
      if (hay[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  long fileSize() {
    return fileSize;
  }
}
