package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pvpanic.harness.elf.ElfMachine;
import dev.pvpanic.harness.elf.TinyElf;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coldplug's inputs the builder writes: each module's aliases and listed dependencies. */
class ModuleAliasesTest {

  private static PvpanicModules.ModuleFile module(String name, String... modinfo) {
    return new PvpanicModules.ModuleFile(
        name, TinyElf.module(ElfMachine.AARCH64, List.of(modinfo)));
  }

  @Test
  void aliasesComeFromEachModulesModinfoAndDependenciesNameListedFiles() {
    ModuleAliases a =
        ModuleAliases.of(
            List.of(
                module("pvpanic", "license=GPL", "name=pvpanic"),
                module(
                    "pvpanic-pci",
                    "alias=pci:v00001B36d00000011sv*sd*bc*sc*i*",
                    "depends=pvpanic",
                    "name=pvpanic_pci"),
                module(
                    "pvpanic-mmio",
                    "alias=of:N*T*Cqemu,pvpanic-mmio",
                    "alias=acpi*:QEMU0001:*",
                    "depends=pvpanic,not_in_the_image",
                    "name=pvpanic_mmio")));

    assertEquals(
        "pvpanic-pci pci:v00001B36d00000011sv*sd*bc*sc*i*\n"
            + "pvpanic-mmio of:N*T*Cqemu,pvpanic-mmio\n"
            + "pvpanic-mmio acpi*:QEMU0001:*\n",
        a.aliasFile());
    assertEquals("pvpanic-pci pvpanic\npvpanic-mmio pvpanic\n", a.depFile());
  }

  @Test
  void aModuleBuiltWithoutItsDeviceTableHasNoAlias() {
    ModuleAliases a =
        ModuleAliases.of(List.of(module("pvpanic-pci", "depends=", "name=pvpanic_pci")));
    assertEquals("", a.aliasFile());
    assertEquals("", a.depFile());
  }

  @Test
  void dashesAndUnderscoresNameOneModule() {
    assertEquals("pvpanic_pci", ModuleAliases.kernelName("pvpanic-pci"));
  }
}
