package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.arm64;
import static dev.pvpanic.harness.oracle.Cells.events;
import static dev.pvpanic.harness.oracle.Cells.oldGuest;
import static dev.pvpanic.harness.oracle.Cells.qemu;
import static dev.pvpanic.harness.oracle.Cells.riscv64;
import static dev.pvpanic.harness.oracle.Cells.x86;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One test per rule that makes a cell impossible. */
class ApplicabilityTest {

  @Test
  void aPlainCellIsApplicable() {
    assertTrue(Oracle.applicability(x86(PvpanicDevice.Kind.PCI), qemu(7, 2)).applicable());
  }

  @Test
  void pvpanicPciNeedsQemu6_0() {
    assertNotApplicable(x86(PvpanicDevice.Kind.PCI), qemu(5, 2), "pvpanic-pci needs QEMU >= 6.0");
  }

  @Test
  void actionOptionNeedsQemu6_0() {
    CellSetup setup =
        x86(PvpanicDevice.Kind.ISA).withActions(PanicAction.DEFAULT, ShutdownAction.PAUSE);
    assertNotApplicable(setup, qemu(5, 2), "-action needs QEMU >= 6.0");
  }

  @Test
  void exitFailureNeedsQemu7_1() {
    CellSetup setup =
        x86(PvpanicDevice.Kind.PCI).withActions(PanicAction.EXIT_FAILURE, ShutdownAction.DEFAULT);
    assertNotApplicable(setup, qemu(7, 0), "panic=exit-failure needs QEMU >= 7.1");
    assertTrue(Oracle.applicability(setup, qemu(7, 1)).applicable());
  }

  @Test
  void isaEventsPropertyNeedsQemu5_2() {
    CellSetup setup = x86(PvpanicDevice.Kind.ISA).withDevice(PvpanicDevice.Kind.ISA, events(1));
    assertNotApplicable(setup, qemu(5, 1), "pvpanic,events= needs QEMU >= 5.2");
  }

  @Test
  void eventsPropertyNeedsADevice() {
    CellSetup setup = x86(PvpanicDevice.Kind.NONE).withDevice(PvpanicDevice.Kind.NONE, events(1));
    assertNotApplicable(setup, qemu(7, 2), "the cell has none");
  }

  @Test
  void eventsBitsQemuDoesNotHandleAreRunnable() {
    // QEMU takes any byte as events= and drops the bits it does not know when the guest writes
    // them: a cell that advertises SHUTDOWN to QEMU 9.0 is a real setup to test, not an error.
    CellSetup setup = x86(PvpanicDevice.Kind.PCI).withDevice(PvpanicDevice.Kind.PCI, events(7));
    assertTrue(Oracle.applicability(setup, qemu(9, 0)).applicable());
    assertTrue(Oracle.applicability(setup, qemu(9, 1)).applicable());
  }

  @Test
  void acpiOffIsX86Only() {
    assertNotApplicable(arm64(PvpanicDevice.Kind.PCI).withAcpiOff(true), qemu(10, 0), "acpi=off");
  }

  @Test
  void isaDeviceIsX86Only() {
    assertNotApplicable(arm64(PvpanicDevice.Kind.ISA), qemu(10, 0), "ISA device");
  }

  @Test
  void machineTypeMustExistInThisQemu() {
    assertNotApplicable(
        x86(PvpanicDevice.Kind.ISA).withMachineType("pc-q35-8.0"), qemu(7, 2), "newer than QEMU");
  }

  @Test
  void machineTypeMustMatchTheArchitecture() {
    assertNotApplicable(
        arm64(PvpanicDevice.Kind.PCI).withMachineType("pc-q35-5.1"), qemu(7, 2), "not a aarch64");
  }

  @Test
  void riscvSharesTheVirtFamilyButNotThePcOnes() {
    assertTrue(
        Oracle.applicability(riscv64(PvpanicDevice.Kind.PCI).withMachineType("virt"), qemu(7, 2))
            .applicable());
    assertNotApplicable(
        riscv64(PvpanicDevice.Kind.PCI).withMachineType("q35"), qemu(7, 2), "not a riscv64");
    assertNotApplicable(riscv64(PvpanicDevice.Kind.ISA), qemu(7, 2), "ISA device");
  }

  @Test
  void nmiIsX86Only() {
    assertNotApplicable(
        riscv64(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("nmi")),
        qemu(7, 2),
        "riscv64 virt machine");
    assertNotApplicable(
        arm64(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("nmi")),
        qemu(7, 2),
        "aarch64 virt machine");
    assertTrue(
        Oracle.applicability(x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("nmi")), qemu(7, 2))
            .applicable());
  }

  @Test
  void eventReasonsNeedQemu4_0() {
    assertNotApplicable(x86(PvpanicDevice.Kind.ISA), qemu(3, 1), "without a reason");
  }

  @Test
  void everyBrokenRuleIsNamed() {
    CellSetup setup =
        arm64(PvpanicDevice.Kind.ISA)
            .withAcpiOff(true)
            .withActions(PanicAction.EXIT_FAILURE, ShutdownAction.DEFAULT);
    Applicability result = Oracle.applicability(setup, qemu(5, 2));

    Applicability.NotApplicable notApplicable =
        assertInstanceOf(Applicability.NotApplicable.class, result);
    assertEquals(4, notApplicable.reasons().size(), notApplicable.reason());
  }

  @Test
  void anExpectationForAnImpossibleCellIsRefused() {
    CellNotApplicableException e =
        assertThrows(
            CellNotApplicableException.class,
            () ->
                Oracle.expect(
                    x86(PvpanicDevice.Kind.PCI),
                    oldGuest("5.10.0", PvpanicDriver.NONE),
                    qemu(5, 2)));
    assertTrue(e.getMessage().contains("pvpanic-pci needs QEMU >= 6.0"), e.getMessage());
  }

  @Test
  void anEventsMaskOutsideAByteIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> x86(PvpanicDevice.Kind.PCI).withDevice(PvpanicDevice.Kind.PCI, Optional.of(256)));
    assertTrue(e.getMessage().contains("events=256"), e.getMessage());
  }

  private static void assertNotApplicable(CellSetup setup, QemuCapabilities qemu, String reason) {
    Applicability result = Oracle.applicability(setup, qemu);
    Applicability.NotApplicable notApplicable =
        assertInstanceOf(Applicability.NotApplicable.class, result);
    assertTrue(
        notApplicable.reason().contains(reason),
        () -> "expected a reason containing '" + reason + "', got: " + notApplicable.reason());
  }
}
