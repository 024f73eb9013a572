package dev.pvpanic.harness.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes small but well-formed ELF images for tests: an ELF header, a PT_LOAD segment covering the
 * whole file at a non-zero virtual address (so DT_STRTAB must be translated), an optional PT_INTERP
 * and a PT_DYNAMIC with DT_NEEDED, DT_STRTAB and DT_STRSZ entries.
 */
public record ElfImage(
    boolean is64Bit,
    ByteOrder order,
    int machine,
    Optional<String> interpreter,
    List<String> needed) {

  static final long BASE_ADDRESS = 0x400000;

  public static ElfImage x86_64(String interpreter, String... needed) {
    return new ElfImage(
        true,
        ByteOrder.LITTLE_ENDIAN,
        ElfMachine.X86_64,
        Optional.ofNullable(interpreter),
        List.of(needed));
  }

  public static ElfImage aarch64(String interpreter, String... needed) {
    return new ElfImage(
        true,
        ByteOrder.LITTLE_ENDIAN,
        ElfMachine.AARCH64,
        Optional.ofNullable(interpreter),
        List.of(needed));
  }

  public byte[] bytes() {
    int ehsize = is64Bit ? 64 : 52;
    int phentsize = is64Bit ? 56 : 32;
    int dynEntry = is64Bit ? 16 : 8;
    int phnum = 1 + (interpreter.isPresent() ? 1 : 0) + 1;

    // string table: a leading NUL, then each needed name
    ByteArrayOutputStream strtab = new ByteArrayOutputStream();
    strtab.write(0);
    List<Integer> nameOffsets = new ArrayList<>();
    for (String name : needed) {
      nameOffsets.add(strtab.size());
      strtab.writeBytes(name.getBytes(StandardCharsets.UTF_8));
      strtab.write(0);
    }
    byte[] interp =
        interpreter.map(i -> (i + "\0").getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);

    int interpOffset = ehsize + phnum * phentsize;
    int strtabOffset = interpOffset + interp.length;
    int dynamicOffset = align(strtabOffset + strtab.size(), 8);
    int dynamicCount = needed.size() + 3; // + DT_STRTAB, DT_STRSZ, DT_NULL
    int fileSize = dynamicOffset + dynamicCount * dynEntry;

    ByteBuffer b = ByteBuffer.allocate(fileSize).order(order);
    b.put(new byte[] {0x7f, 'E', 'L', 'F'});
    b.put((byte) (is64Bit ? 2 : 1));
    b.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2));
    b.put((byte) 1); // EI_VERSION
    b.position(16);
    b.putShort((short) 3); // ET_DYN
    b.putShort((short) machine);
    b.putInt(1); // e_version
    if (is64Bit) {
      b.putLong(BASE_ADDRESS); // e_entry
      b.putLong(ehsize); // e_phoff
      b.putLong(0); // e_shoff
      b.putInt(0); // e_flags
      b.putShort((short) ehsize);
      b.putShort((short) phentsize);
      b.putShort((short) phnum);
      b.putShort((short) 64); // e_shentsize
      b.putShort((short) 0);
      b.putShort((short) 0);
    } else {
      b.putInt((int) BASE_ADDRESS);
      b.putInt(ehsize);
      b.putInt(0);
      b.putInt(0);
      b.putShort((short) ehsize);
      b.putShort((short) phentsize);
      b.putShort((short) phnum);
      b.putShort((short) 40);
      b.putShort((short) 0);
      b.putShort((short) 0);
    }

    b.position(ehsize);
    programHeader(b, 1, 0, BASE_ADDRESS, fileSize); // PT_LOAD
    if (interpreter.isPresent()) {
      programHeader(b, 3, interpOffset, BASE_ADDRESS + interpOffset, interp.length);
    }
    programHeader(
        b, 2, dynamicOffset, BASE_ADDRESS + dynamicOffset, (long) dynamicCount * dynEntry);

    b.position(interpOffset);
    b.put(interp);
    b.position(strtabOffset);
    b.put(strtab.toByteArray());

    b.position(dynamicOffset);
    for (int offset : nameOffsets) {
      dynamic(b, 1, offset); // DT_NEEDED
    }
    dynamic(b, 5, BASE_ADDRESS + strtabOffset); // DT_STRTAB (a virtual address)
    dynamic(b, 10, strtab.size()); // DT_STRSZ
    dynamic(b, 0, 0); // DT_NULL
    return b.array();
  }

  private void programHeader(ByteBuffer b, int type, long offset, long vaddr, long size) {
    if (is64Bit) {
      b.putInt(type);
      b.putInt(4); // p_flags: R
      b.putLong(offset);
      b.putLong(vaddr);
      b.putLong(vaddr);
      b.putLong(size);
      b.putLong(size);
      b.putLong(8);
    } else {
      b.putInt(type);
      b.putInt((int) offset);
      b.putInt((int) vaddr);
      b.putInt((int) vaddr);
      b.putInt((int) size);
      b.putInt((int) size);
      b.putInt(4);
      b.putInt(4);
    }
  }

  private void dynamic(ByteBuffer b, long tag, long value) {
    if (is64Bit) {
      b.putLong(tag);
      b.putLong(value);
    } else {
      b.putInt((int) tag);
      b.putInt((int) value);
    }
  }

  private static int align(int value, int alignment) {
    return (value + alignment - 1) / alignment * alignment;
  }
}
