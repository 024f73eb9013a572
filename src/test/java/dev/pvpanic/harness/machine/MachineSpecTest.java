package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MachineSpecTest {

  private static String rejection(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void isaDeviceOnAarch64IsRejectedWithTheAlternative() {
    String m =
        rejection(
            () -> MachineSpec.builder(Architecture.AARCH64).pvpanic(PvpanicDevice.isa()).build());
    assertTrue(m.contains("only on x86_64") && m.contains("'pci'"), m);
  }

  @Test
  void eventsMaskOutOfRangeNamesTheValidRange() {
    String m = rejection(() -> PvpanicDevice.pci().withEvents(8));
    assertTrue(m.contains("8") && m.contains("0..7"), m);
  }

  @Test
  void eventsMaskWithoutADeviceIsRejected() {
    rejection(() -> new PvpanicDevice(PvpanicDevice.Kind.NONE, OptionalInt.of(1)));
  }

  @Test
  void unknownActionsListTheValidOnes() {
    String m = rejection(() -> QemuActions.of("reboot", null));
    assertTrue(m.contains("panic=reboot") && m.contains("exit-failure"), m);
    String s = rejection(() -> QemuActions.of(null, "halt"));
    assertTrue(s.contains("shutdown=halt") && s.contains("poweroff"), s);
  }

  @Test
  void noShutdownIsTheOldFlagNotAnAction() {
    assertEquals(List.of("-no-shutdown"), QemuActions.of(null, "no-shutdown").qemuArgs());
    assertEquals(
        List.of("-action", "panic=pause", "-no-shutdown"),
        QemuActions.of("pause", "no-shutdown").qemuArgs());
    assertEquals("panic=pause,-no-shutdown", QemuActions.of("pause", "no-shutdown").toString());
    assertEquals(
        List.of("-action", "panic=none,shutdown=pause"),
        QemuActions.of("none", "pause").qemuArgs());
  }

  @Test
  void missingKernelFileIsNamed() {
    String m =
        rejection(
            () ->
                MachineSpec.builder(Architecture.X86_64)
                    .kernel(Path.of("/nonexistent/bz"))
                    .build());
    assertTrue(m.contains("/nonexistent/bz"), m);
  }

  @Test
  void initrdOrAppendWithoutKernelIsRejected() {
    rejection(() -> MachineSpec.builder(Architecture.X86_64).append("console=ttyS0").build());
  }

  @Test
  void badNameAndSizesAreRejected() {
    rejection(() -> MachineSpec.builder(Architecture.X86_64).name("a b").build());
    assertTrue(
        rejection(() -> MachineSpec.builder(Architecture.X86_64).memoryMb(16).build())
            .contains("64..65536"));
    rejection(() -> MachineSpec.builder(Architecture.X86_64).cpus(0).build());
  }

  @Test
  void parsersAcceptBothSpellingsAndListValidValues() {
    assertEquals(Architecture.X86_64, Architecture.parse("amd64"));
    assertEquals(Architecture.AARCH64, Architecture.parse("aarch64"));
    assertTrue(rejection(() -> Architecture.parse("s390x")).contains("x86_64, aarch64, riscv64"));
    assertEquals(PvpanicDevice.Kind.PCI, PvpanicDevice.Kind.parse("pvpanic-pci"));
    assertTrue(rejection(() -> Accelerator.parse("hvf")).contains("tcg, kvm, auto"));
  }

  @Test
  void toBuilderRoundTrips() {
    MachineSpec spec =
        MachineSpec.builder(Architecture.X86_64).name("a").memoryMb(2048).cpus(2).build();
    assertEquals(spec, spec.toBuilder().build());
  }
}
