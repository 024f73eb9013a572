package dev.pvpanic.harness.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.Prerequisite;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileTest {

  @TempDir Path dir;

  @Test
  void reads64BitLittleEndianInterpreterAndNeeded() {
    byte[] image = ElfImage.x86_64("/lib64/ld-linux-x86-64.so.2", "libz.so.1", "libc.so.6").bytes();

    ElfFile elf = ElfFile.parse("kexec", image);

    assertEquals(ElfMachine.X86_64, elf.machine());
    assertTrue(elf.is64Bit());
    assertEquals(ByteOrder.LITTLE_ENDIAN, elf.byteOrder());
    assertEquals(Optional.of("/lib64/ld-linux-x86-64.so.2"), elf.interpreter());
    assertEquals(List.of("libz.so.1", "libc.so.6"), elf.needed());
  }

  @Test
  void readsAarch64Machine() {
    ElfFile elf =
        ElfFile.parse("kexec", ElfImage.aarch64("/lib/ld-linux-aarch64.so.1", "libc.so.6").bytes());

    assertEquals(ElfMachine.AARCH64, elf.machine());
    assertEquals(Optional.of("/lib/ld-linux-aarch64.so.1"), elf.interpreter());
    assertEquals(List.of("libc.so.6"), elf.needed());
  }

  @Test
  void reads32BitBigEndian() {
    byte[] image =
        new ElfImage(true, ByteOrder.BIG_ENDIAN, 22, Optional.of("/lib/ld64.so.1"), List.of("a.so"))
            .bytes();
    ElfFile be64 = ElfFile.parse("s390x", image);
    assertEquals(22, be64.machine());
    assertEquals(ByteOrder.BIG_ENDIAN, be64.byteOrder());
    assertEquals(List.of("a.so"), be64.needed());

    byte[] image32 =
        new ElfImage(
                false,
                ByteOrder.BIG_ENDIAN,
                8,
                Optional.of("/lib/ld.so.1"),
                List.of("libm.so.6", "libc.so.6"))
            .bytes();
    ElfFile be32 = ElfFile.parse("mips", image32);
    assertFalse(be32.is64Bit());
    assertEquals(8, be32.machine());
    assertEquals(Optional.of("/lib/ld.so.1"), be32.interpreter());
    assertEquals(List.of("libm.so.6", "libc.so.6"), be32.needed());

    byte[] image32le =
        new ElfImage(false, ByteOrder.LITTLE_ENDIAN, 40, Optional.empty(), List.of("libc.so.6"))
            .bytes();
    ElfFile le32 = ElfFile.parse("arm", image32le);
    assertEquals(40, le32.machine());
    assertEquals(Optional.empty(), le32.interpreter());
    assertEquals(List.of("libc.so.6"), le32.needed());
  }

  @Test
  void staticProgramHasNoInterpreterAndNoNeeded() {
    ElfFile elf = ElfFile.parse("busybox", ElfImage.x86_64(null).bytes());

    assertEquals(Optional.empty(), elf.interpreter());
    assertEquals(List.of(), elf.needed());
  }

  @Test
  void rejectsNonElfAndTruncatedFiles() throws IOException {
    ElfFormatException notElf =
        assertThrows(
            ElfFormatException.class,
            () -> ElfFile.parse("script.sh", "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(notElf.getMessage().contains("script.sh"), notElf.getMessage());

    byte[] image = ElfImage.x86_64("/lib64/ld-linux-x86-64.so.2", "libc.so.6").bytes();
    byte[] truncated = Arrays.copyOf(image, 100);
    ElfFormatException cut =
        assertThrows(ElfFormatException.class, () -> ElfFile.parse("cut", truncated));
    assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());

    Path script = Files.writeString(dir.resolve("script"), "#!/bin/sh\n");
    Path elf = Files.write(dir.resolve("elf"), image);
    assertFalse(ElfFile.isElf(script));
    assertFalse(ElfFile.isElf(dir));
    assertFalse(ElfFile.isElf(dir.resolve("absent")));
    assertTrue(ElfFile.isElf(elf));
    assertEquals(List.of("libc.so.6"), ElfFile.read(elf).needed());
  }

  /** An extra check against a real, compiler-made file when the host has one. */
  @Test
  void readsTheHostsTrue() {
    Path hostTrue = Path.of("/bin/true");
    Prerequisite.X86_64_HOST.require(
        ElfFile.isElf(hostTrue) && System.getProperty("os.arch").equals("amd64"),
        "os.arch "
            + System.getProperty("os.arch")
            + ", /bin/true an ELF file: "
            + ElfFile.isElf(hostTrue));

    ElfFile elf = ElfFile.read(hostTrue);

    assertEquals(ElfMachine.X86_64, elf.machine());
    assertEquals(Optional.of("/lib64/ld-linux-x86-64.so.2"), elf.interpreter());
    assertTrue(elf.needed().contains("libc.so.6"), elf.needed().toString());
  }
}
