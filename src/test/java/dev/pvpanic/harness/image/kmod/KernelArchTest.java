package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pvpanic.harness.machine.Architecture;
import org.junit.jupiter.api.Test;

class KernelArchTest {

  @Test
  void agreesWithTheGuestArchitectureOnTheElfMachine() {
    for (Architecture a : Architecture.values()) {
      assertEquals(a.elfMachine(), KernelArch.parse(a.id()).elfMachine(), a.id());
    }
  }
}
