package dev.pvpanic.harness.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the smallest ELF file a section reader needs: a header and three sections (null, the
 * section name table, and one named section, usually a kernel module's {@code .modinfo}).
 */
public final class TinyElf {
  private TinyElf() {}

  /** A 64-bit little-endian relocatable object with a {@code .modinfo} of these strings. */
  public static byte[] module(int machine, List<String> modinfo) {
    return build(true, ByteOrder.LITTLE_ENDIAN, ElfHeaders.ET_REL, machine, ".modinfo", modinfo);
  }

  /** An object of {@code type} whose section {@code sectionName} holds NUL-ended strings. */
  public static byte[] build(
      boolean is64,
      ByteOrder order,
      int type,
      int machine,
      String sectionName,
      List<String> strings) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (String s : strings) {
      content.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      content.write(0);
    }
    byte[] data = content.toByteArray();
    byte[] shstrtab = ("\0.shstrtab\0" + sectionName + "\0").getBytes(StandardCharsets.US_ASCII);
    int ehsize = is64 ? 64 : 52;
    int shentsize = is64 ? 64 : 40;
    int dataOffset = ehsize;
    int strOffset = dataOffset + data.length;
    int shoff = strOffset + shstrtab.length;
    ByteBuffer b = ByteBuffer.allocate(shoff + 3 * shentsize).order(order);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1)});
    b.put((byte) (order == ByteOrder.BIG_ENDIAN ? 2 : 1)).put((byte) 1);
    b.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1);
    if (is64) {
      b.putLong(0x28, shoff).putShort(0x34, (short) ehsize).putShort(0x3a, (short) shentsize);
      b.putShort(0x3c, (short) 3).putShort(0x3e, (short) 1);
    } else {
      b.putInt(0x20, shoff).putShort(0x28, (short) ehsize).putShort(0x2e, (short) shentsize);
      b.putShort(0x30, (short) 3).putShort(0x32, (short) 1);
    }
    b.put(dataOffset, data).put(strOffset, shstrtab);
    // section 1: .shstrtab (name offset 1), section 2: the named one (name offset 11)
    section(b, is64, shoff + shentsize, 1, 3, strOffset, shstrtab.length);
    section(b, is64, shoff + 2 * shentsize, 11, 1, dataOffset, data.length);
    return b.array();
  }

  private static void section(
      ByteBuffer b, boolean is64, int at, int name, int type, int offset, int size) {
    b.putInt(at, name).putInt(at + 4, type);
    if (is64) {
      b.putLong(at + 0x18, offset).putLong(at + 0x20, size);
    } else {
      b.putInt(at + 0x10, offset).putInt(at + 0x14, size);
    }
  }
}
