package dev.pvpanic.harness.elf;

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
 * segments are the guest's RAM. Read enough to check it: the headers ({@link ElfHeaders}, read
 * without the memory), that every segment lies inside the file (a truncated dump does not), the
 * notes, and whether byte strings occur in the memory (the kernel's banner, its VMCOREINFO text,
 * the panic message).
 */
public final class ElfCore {
  private static final int SMALLEST_HEADER64 = 64;
  private static final int CHUNK = 8 << 20;

  /** One PT_LOAD segment: where in the file, how many bytes. */
  record Load(long offset, long size) {}

  private final Path file;
  private final long fileSize;
  private final int machine;
  private final List<Load> loads;
  private final Map<String, Integer> notes;
  private final List<String> problems;

  private ElfCore(
      Path file,
      long fileSize,
      int machine,
      List<Load> loads,
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
  public static ElfCore read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < SMALLEST_HEADER64 || !ElfFile.isElf(file)) {
        return unreadable(file, size, "not an ELF file (" + size + " bytes)");
      }
      ElfHeaders headers;
      try {
        headers = ElfHeaders.read(file.toString(), ch);
      } catch (ElfFormatException e) {
        return unreadable(file, size, e.getMessage());
      }
      if (!headers.is64Bit() || headers.byteOrder() != ByteOrder.LITTLE_ENDIAN) {
        return unreadable(file, size, "not a 64-bit little-endian ELF file");
      }
      List<String> problems = new ArrayList<>();
      if (headers.type() != ElfHeaders.ET_CORE) {
        problems.add("ELF type " + headers.type() + ", not a core file (4)");
      }
      List<Load> loads = new ArrayList<>();
      Map<String, Integer> notes = new LinkedHashMap<>();
      List<ElfHeaders.Segment> segments = headers.segments();
      for (int i = 0; i < segments.size(); i++) {
        ElfHeaders.Segment s = segments.get(i);
        if (s.end() > size) {
          problems.add(
              "segment "
                  + i
                  + " ends at byte "
                  + s.end()
                  + " but the file has "
                  + size
                  + ": the dump is truncated");
          continue;
        }
        if (s.type() == ElfHeaders.Segment.PT_LOAD && s.fileSize() > 0) {
          loads.add(new Load(s.offset(), s.fileSize()));
        } else if (s.type() == ElfHeaders.Segment.PT_NOTE) {
          readNotes(ch, s.offset(), s.fileSize(), notes);
        }
      }
      if (loads.isEmpty()) {
        problems.add("no memory (PT_LOAD) in the dump");
      }
      return new ElfCore(file, size, headers.machine(), loads, notes, problems);
    }
  }

  private static ElfCore unreadable(Path file, long size, String problem) {
    return new ElfCore(file, size, 0, List.of(), Map.of(), List.of(problem));
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
  public List<String> problems() {
    return problems;
  }

  /** {@code e_machine}, e.g. {@link ElfMachine#X86_64}; 0 when the headers were unreadable. */
  public int machine() {
    return machine;
  }

  /** Notes by {@code name/type}, counted: {@code CORE/1} (NT_PRSTATUS) once per vCPU. */
  public Map<String, Integer> notes() {
    return notes;
  }

  public long memoryBytes() {
    return loads.stream().mapToLong(Load::size).sum();
  }

  /** Whether {@code needle} occurs in the dumped memory (a match may span segments' chunks). */
  public boolean memoryContains(byte[] needle) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK + needle.length);
      for (Load s : loads) {
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

  public long fileSize() {
    return fileSize;
  }
}
