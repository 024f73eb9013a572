package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.elf.ElfHeaders;
import dev.pvpanic.harness.elf.TinyElf;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class ModuleInfoTest {
  private static final String VERMAGIC = "6.12.95+deb12-arm64 SMP mod_unload modversions aarch64";
  private static final List<String> PVPANIC_PCI =
      List.of(
          "license=GPL",
          "alias=pci:v00001B36d00000011sv*sd*bc*sc*i*",
          "alias=second-alias",
          "depends=pvpanic",
          "name=pvpanic_pci",
          "vermagic=" + VERMAGIC);

  @TempDir Path dir;

  @Test
  void readsModinfoOfA64BitLittleEndianModule() throws IOException {
    Path ko = Files.write(dir.resolve("pvpanic-pci.ko"), TinyElf.module(183, PVPANIC_PCI));

    ModuleInfo info = ModuleInfo.read(ko);

    assertEquals(VERMAGIC, info.vermagic());
    assertEquals(ElfHeaders.ET_REL, info.elfType());
    assertEquals(183, info.elfMachine());
    assertEquals(Optional.of("pvpanic"), info.first("depends"));
    assertEquals(
        List.of("pci:v00001B36d00000011sv*sd*bc*sc*i*", "second-alias"),
        info.fields().get("alias"));
  }

  @Test
  void keepsAnEmptyValue() {
    ModuleInfo info =
        ModuleInfo.parse(Path.of("x.ko"), TinyElf.module(183, List.of("depends=", "name=x")));

    assertEquals(Optional.of(""), info.first("depends"));
  }

  @Test
  void readsA32BitBigEndianFile() {
    byte[] elf =
        TinyElf.build(false, ByteOrder.BIG_ENDIAN, 1, 8, ".modinfo", List.of("vermagic=5.10 SMP"));

    ModuleInfo info = ModuleInfo.parse(Path.of("mips.ko"), elf);

    assertEquals("5.10 SMP", info.vermagic());
    assertEquals(8, info.elfMachine());
  }

  @Test
  void readsAnXzCompressedModuleAsDebianShipsThem() throws IOException {
    Path ko = dir.resolve("pvpanic-pci.ko.xz");
    try (OutputStream out = new XZOutputStream(Files.newOutputStream(ko), new LZMA2Options())) {
      out.write(TinyElf.module(183, PVPANIC_PCI));
    }

    assertEquals(VERMAGIC, ModuleInfo.read(ko).vermagic());
  }

  @Test
  void refusesAFileWithoutModinfo() {
    byte[] elf =
        TinyElf.build(true, ByteOrder.LITTLE_ENDIAN, 1, 183, ".text", List.of("vermagic=x"));

    ModuleBuildException e =
        assertThrows(ModuleBuildException.class, () -> ModuleInfo.parse(Path.of("a.o"), elf));
    assertTrue(e.getMessage().contains("no .modinfo section"), e.getMessage());
  }

  @Test
  void refusesSomethingThatIsNotElf() {
    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> ModuleInfo.parse(Path.of("a.ko"), "#!/bin/sh\n".repeat(10).getBytes()));
    assertTrue(e.getMessage().contains("a.ko: not an ELF file"), e.getMessage());
  }

  @Test
  void refusesATruncatedFile() {
    byte[] elf = TinyElf.module(183, PVPANIC_PCI);
    byte[] cut = java.util.Arrays.copyOf(elf, elf.length - 10);

    ModuleBuildException e =
        assertThrows(ModuleBuildException.class, () -> ModuleInfo.parse(Path.of("cut.ko"), cut));
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
  }

  @Test
  void vermagicMustBeThereExactlyOnce() {
    ModuleInfo info = ModuleInfo.parse(Path.of("b.ko"), TinyElf.module(183, List.of("name=b")));

    ModuleBuildException e = assertThrows(ModuleBuildException.class, info::vermagic);
    assertTrue(e.getMessage().contains("b.ko has 0 vermagic strings"), e.getMessage());
  }
}
