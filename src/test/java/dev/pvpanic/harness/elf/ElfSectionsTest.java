package dev.pvpanic.harness.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ElfSectionsTest {
  private static final int SHOFF64 = 0x28;
  private static final int SHENTSIZE64 = 64;
  private static final int SH_OFFSET64 = 0x18;
  private static final int SH_SIZE64 = 0x20;

  private static final byte[] MODULE =
      TinyElf.module(ElfMachine.AARCH64, List.of("name=x", "vermagic=6.12 SMP"));

  @Test
  void readsTheSectionHeadersOfA64BitLittleEndianObject() {
    ElfSections elf = ElfSections.parse("x.ko", MODULE);

    assertEquals(ElfHeaders.ET_REL, elf.headers().type());
    assertEquals(ElfMachine.AARCH64, elf.headers().machine());
    assertEquals(
        List.of("", ".shstrtab", ".modinfo"),
        elf.sections().stream().map(ElfSections.Section::name).toList());
    assertEquals(
        List.of(0L, 3L, 1L), elf.sections().stream().map(ElfSections.Section::type).toList());
  }

  @Test
  void readsASectionsBytesByName() {
    ElfSections elf = ElfSections.parse("x.ko", MODULE);

    assertArrayEquals(ascii("name=x\0vermagic=6.12 SMP\0"), elf.bytes(".modinfo").orElseThrow());
    assertEquals(Optional.empty(), elf.bytes(".text"));
    assertEquals(Optional.empty(), elf.section(".text"));
  }

  @Test
  void readsA32BitBigEndianObject() {
    byte[] mips = TinyElf.build(false, ByteOrder.BIG_ENDIAN, 1, 8, ".modinfo", List.of("a=b"));

    ElfSections elf = ElfSections.parse("mips.ko", mips);

    assertEquals(8, elf.headers().machine());
    assertArrayEquals(ascii("a=b\0"), elf.bytes(".modinfo").orElseThrow());
  }

  @Test
  void refusesATruncatedSectionTable() {
    byte[] cut = Arrays.copyOf(MODULE, MODULE.length - 10);

    assertMessage("cut.ko: section header table out of range", cut, "cut.ko");
  }

  @Test
  void refusesATableOffsetThatOverflows() {
    byte[] bad = MODULE.clone();
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(SHOFF64, Long.MAX_VALUE - 8);

    assertMessage("bad.ko: section header table out of range", bad, "bad.ko");
  }

  @Test
  void refusesAFileWithoutSectionHeaders() {
    byte[] program = ElfImage.x86_64("/lib64/ld-linux-x86-64.so.2", "libc.so.6").bytes();

    assertMessage("kexec: section header table out of range", program, "kexec");
  }

  @Test
  void refusesANameTableOutsideTheFile() {
    byte[] bad = MODULE.clone();
    sectionField(bad, 1, SH_SIZE64, bad.length);

    assertMessage("bad.ko: .shstrtab lies outside the file", bad, "bad.ko");
  }

  @Test
  void refusesTheBytesOfASectionOutsideTheFileButStillListsIt() {
    byte[] bad = MODULE.clone();
    sectionField(bad, 2, SH_OFFSET64, bad.length - 4);
    ElfSections elf = ElfSections.parse("bad.ko", bad);

    assertEquals(bad.length - 4, elf.section(".modinfo").orElseThrow().offset());
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> elf.bytes(".modinfo"));
    assertEquals("bad.ko: .modinfo lies outside the file", e.getMessage());
  }

  @Test
  void aNameOutsideTheNameTableIsNoName() {
    byte[] odd = MODULE.clone();
    ByteBuffer b = ByteBuffer.wrap(odd).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt((int) b.getLong(SHOFF64) + 2 * SHENTSIZE64, 1000);

    ElfSections elf = ElfSections.parse("odd.ko", odd);

    assertEquals("", elf.sections().get(2).name());
    assertEquals(Optional.empty(), elf.bytes(".modinfo"));
  }

  @Test
  void refusesSomethingThatIsNotElf() {
    byte[] script = "#!/bin/sh\n".repeat(10).getBytes(StandardCharsets.US_ASCII);

    ElfFormatException e =
        assertThrows(ElfFormatException.class, () -> ElfSections.parse("a.ko", script));
    assertTrue(e.getMessage().startsWith("a.ko is not an ELF file"), e.getMessage());
  }

  private static void assertMessage(String expected, byte[] bytes, String name) {
    ElfFormatException e =
        assertThrows(ElfFormatException.class, () -> ElfSections.parse(name, bytes));
    assertEquals(expected, e.getMessage());
  }

  /** Overwrites a 64-bit field of section {@code index}'s header. */
  private static void sectionField(byte[] elf, int index, int field, long value) {
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    int header = (int) b.getLong(SHOFF64) + index * SHENTSIZE64;
    b.putLong(header + field, value);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
