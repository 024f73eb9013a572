package dev.pvpanic.harness.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ElfCore reads only the headers from disk, through the same reader as ElfFile; what is not a dump
 * becomes a problem, never an exception. Well-formed dumps are checked in PanicDumpCheckTest.
 */
class ElfCoreTest {
  @TempDir Path dir;

  @Test
  void aProgramIsReadButIsNoDump() throws IOException {
    Path program = Files.write(dir.resolve("kexec"), ElfImage.aarch64(null, "libc.so.6").bytes());

    ElfCore core = ElfCore.read(program);

    assertEquals(ElfMachine.AARCH64, core.machine());
    assertEquals(Files.size(program), core.fileSize());
    assertTrue(
        core.problems().get(0).startsWith("ELF type 3, not a core file"),
        core.problems().toString());
    assertEquals(List.of(), List.copyOf(core.notes().keySet()));
  }

  @Test
  void whatTheReaderRefusesIsAProblem() throws IOException {
    byte[] image = ElfImage.x86_64("/lib64/ld-linux-x86-64.so.2", "libc.so.6").bytes();
    Path cut = Files.write(dir.resolve("cut"), Arrays.copyOf(image, 100));
    Path small = Files.write(dir.resolve("small"), Arrays.copyOf(image, 63));
    Path elf32 =
        Files.write(
            dir.resolve("elf32"),
            new ElfImage(false, ByteOrder.LITTLE_ENDIAN, 40, Optional.empty(), List.of()).bytes());

    List<String> truncated = ElfCore.read(cut).problems();
    assertTrue(truncated.get(0).contains("program header table"), truncated.toString());
    assertTrue(truncated.get(0).contains("truncated"), truncated.toString());
    assertEquals(List.of("not an ELF file (63 bytes)"), ElfCore.read(small).problems());
    assertEquals(List.of("not a 64-bit little-endian ELF file"), ElfCore.read(elf32).problems());
  }
}
