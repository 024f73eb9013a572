package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModuleSetTest {
  @Test
  void pvpanicKbuildNamesBothModulesWithoutConfigSymbols() {
    assertEquals(
        "# Written by pvpanic-harness: out-of-tree build of drivers/misc/pvpanic\n"
            + "obj-m += pvpanic.o pvpanic-pci.o\n",
        ModuleSet.PVPANIC.kbuild());
  }
}
