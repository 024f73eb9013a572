package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.qemu;
import static dev.pvpanic.harness.oracle.Cells.x86;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * What the debian userland does at boot, from its manifest, in the expectation: kdump-tools has the
 * capture kernel loaded at READY; a tmpfiles line that forces the notifiers on makes them on from
 * boot. Neither comes from what the guest reports.
 */
class SystemServicesTest {
  private static final ImageFacts MINIMAL =
      ImageFacts.fromManifest(
          "6.12.107+deb13-amd64", "module", List.of("pvpanic-mmio", "pvpanic-pci"), Map.of());
  private static final SystemServices KDUMP_TOOLS = new SystemServices(true, Optional.empty());

  /** A guest that reports nothing loaded: the expectation must not read it. */
  private static final GuestReport NOTHING =
      new GuestReport(
          "6.12.107+deb13-amd64",
          PvpanicDriver.PVPANIC_PCI,
          OptionalInt.empty(),
          OptionalInt.empty(),
          Optional.of(false),
          Optional.of(false),
          Optional.empty());

  private static CellSetup kdump(PostNotifiers notifiers) {
    return x86(PvpanicDevice.Kind.PCI).withKdump(true, notifiers);
  }

  @Test
  void kdumpToolsHasTheCaptureKernelLoadedAtReadyOnlyWhenTheCellReservesMemory() {
    GuestExpectation system =
        GuestExpectation.derive(
            kdump(PostNotifiers.OFF), MINIMAL.withServices(KDUMP_TOOLS), qemu(7, 2), NOTHING);
    assertTrue(system.kexecLoadedAtReady());
    assertTrue(system.reasoning().stream().anyMatch(r -> r.contains("kdump-tools")));
    GuestExpectation noKdump =
        GuestExpectation.derive(
            x86(PvpanicDevice.Kind.PCI), MINIMAL.withServices(KDUMP_TOOLS), qemu(7, 2), NOTHING);
    assertFalse(noKdump.kexecLoadedAtReady());
    GuestExpectation minimal =
        GuestExpectation.derive(kdump(PostNotifiers.OFF), MINIMAL, qemu(7, 2), NOTHING);
    assertFalse(minimal.kexecLoadedAtReady(), "the minimal guest is armed after READY");
  }

  @Test
  void aForcingTmpfilesLineTurnsTheNotifiersOnFromBoot() {
    SystemServices v246 =
        new SystemServices(
            true,
            Optional.of(
                "usr/lib/tmpfiles.d/systemd-pstore.conf: w"
                    + " /sys/module/kernel/parameters/crash_kexec_post_notifiers - - - - Y"));
    assertEquals(PostNotifiers.CMDLINE, v246.effective(kdump(PostNotifiers.OFF)).postNotifiers());
    assertEquals(
        PostNotifiers.RUNTIME, v246.effective(kdump(PostNotifiers.RUNTIME)).postNotifiers());
    assertEquals(
        PostNotifiers.OFF, KDUMP_TOOLS.effective(kdump(PostNotifiers.OFF)).postNotifiers());
    ExpectedOutcome forced =
        Oracle.expect(kdump(PostNotifiers.OFF), MINIMAL.withServices(v246), qemu(7, 2), NOTHING);
    ExpectedOutcome onCmdline =
        Oracle.expect(kdump(PostNotifiers.CMDLINE), MINIMAL, qemu(7, 2), NOTHING);
    assertEquals(onCmdline.events(), forced.events());
  }
}
