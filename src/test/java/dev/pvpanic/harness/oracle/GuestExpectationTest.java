package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.kernel;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the guest must report, derived from the cell, the image's manifest and QEMU alone: one test
 * per derivation (which driver binds, the capability, the events mask), and the checks that turn a
 * guest's report into a verdict.
 */
class GuestExpectationTest {
  private static final ImageFacts DEBIAN_612 =
      ImageFacts.fromManifest(
          "6.12.107+deb13-amd64", "module", List.of("pvpanic-mmio", "pvpanic-pci"), Map.of());
  private static final ImageFacts DEBIAN_61 =
      ImageFacts.fromManifest(
          "6.1.0-30-amd64", "module", List.of("pvpanic-mmio", "pvpanic-pci"), Map.of());
  private static final ImageFacts DEBIAN_510 =
      ImageFacts.fromManifest("5.10.0-33-amd64", "module", List.of("pvpanic"), Map.of());
  private static final ImageFacts ARM64_STOCK =
      ImageFacts.fromManifest("6.12.95+deb12-arm64", "none", List.of(), Map.of());
  private static final ImageFacts ARM64_BUILT =
      ImageFacts.fromManifest(
          "6.12.95+deb12-arm64", "out-of-tree", List.of("pvpanic", "pvpanic-pci"), Map.of());

  /** What a guest that says nothing useful reports: the derivation must not look at it. */
  private static GuestReport report(String release, PvpanicDriver driver) {
    return new GuestReport(
        release,
        driver,
        OptionalInt.empty(),
        OptionalInt.empty(),
        Optional.of(false),
        Optional.of(false),
        Optional.empty());
  }

  private static GuestExpectation derive(CellSetup setup, ImageFacts image, QemuCapabilities q) {
    // The report claims no driver: a derivation that reads it would say none everywhere.
    return GuestExpectation.derive(setup, image, q, report("9.9.9", PvpanicDriver.NONE));
  }

  @Test
  void aDeclaredKernelNeverReadsTheGuestsRelease() {
    // a garbled release on the READY line is an observation to check, not a reason to throw
    GuestExpectation e =
        GuestExpectation.derive(
            x86(PvpanicDevice.Kind.PCI),
            DEBIAN_612,
            qemu(7, 2),
            report("not a release \u0000", PvpanicDriver.NONE));
    assertEquals(kernel("6.12.107+deb13-amd64"), e.kernel());
  }

  @Nested
  class DriverBinding {
    @Test
    void pvpanicPciBindsThePciDeviceOnA612Image() {
      assertEquals(
          PvpanicDriver.PVPANIC_PCI,
          derive(x86(PvpanicDevice.Kind.PCI), DEBIAN_612, qemu(7, 2)).driver());
    }

    @Test
    void pvpanicMmioBindsTheIsaDeviceFrom511() {
      assertEquals(
          PvpanicDriver.PVPANIC_MMIO,
          derive(x86(PvpanicDevice.Kind.ISA), DEBIAN_612, qemu(7, 2)).driver());
    }

    @Test
    void linux510HasOnlyTheOldPvpanicDriverAndNoPciDriver() {
      assertEquals(
          PvpanicDriver.PVPANIC,
          derive(x86(PvpanicDevice.Kind.ISA), DEBIAN_510, qemu(7, 2)).driver());
      GuestExpectation pci = derive(x86(PvpanicDevice.Kind.PCI), DEBIAN_510, qemu(7, 2));
      assertEquals(PvpanicDriver.NONE, pci.driver());
      assertTrue(pci.reasoning().get(0).contains("< 5.13 has no pvpanic-pci driver"));
    }

    @Test
    void acpiOffHidesTheIsaDevice() {
      assertEquals(
          PvpanicDriver.NONE,
          derive(x86(PvpanicDevice.Kind.ISA).withAcpiOff(true), DEBIAN_612, qemu(7, 2)).driver());
    }

    @Test
    void noDeviceNoDriver() {
      assertEquals(
          PvpanicDriver.NONE,
          derive(x86(PvpanicDevice.Kind.NONE), DEBIAN_612, qemu(7, 2)).driver());
    }

    @Test
    void debiansArm64KernelBindsNothingUnlessTheRecipeBuildsTheDriver() {
      CellSetup arm = Cells.arm64(PvpanicDevice.Kind.PCI);
      assertEquals(PvpanicDriver.NONE, derive(arm, ARM64_STOCK, qemu(7, 2)).driver());
      assertEquals(PvpanicDriver.PVPANIC_PCI, derive(arm, ARM64_BUILT, qemu(7, 2)).driver());
    }

    @Test
    void aBuiltInDriverTheManifestDoesNotDescribeGoesByTheGuest() {
      ImageFacts builtin =
          ImageFacts.fromManifest("6.12.0", "builtin", List.of(), Map.of("CONFIG_PVPANIC", "y"));
      GuestExpectation g =
          GuestExpectation.derive(
              x86(PvpanicDevice.Kind.PCI),
              builtin,
              qemu(7, 2),
              report("6.12.0", PvpanicDriver.PVPANIC_PCI));
      assertEquals(PvpanicDriver.PVPANIC_PCI, g.driver());
      assertTrue(g.driverGoingByGuest().isPresent());
      // going by the guest for that fact: it cannot fail, and says so
      GuestFactCheck driver = g.check(report("6.12.0", PvpanicDriver.PVPANIC_PCI)).get(1);
      assertTrue(driver.matches());
      assertTrue(
          driver.line().startsWith("? pvpanic driver: pvpanic-pci bound (going by the guest"));
    }

    @Test
    void aBuiltInDriverTheConfigNamesIsKnown() {
      ImageFacts builtin =
          ImageFacts.fromManifest(
              "6.12.0",
              "builtin",
              List.of(),
              Map.of("CONFIG_PVPANIC", "y", "CONFIG_PVPANIC_PCI", "y"));
      GuestExpectation g = derive(x86(PvpanicDevice.Kind.PCI), builtin, qemu(7, 2));
      assertEquals(PvpanicDriver.PVPANIC_PCI, g.driver());
      assertTrue(g.driverGoingByGuest().isEmpty());
      assertEquals(
          PvpanicDriver.NONE, derive(x86(PvpanicDevice.Kind.ISA), builtin, qemu(7, 2)).driver());
    }
  }

  @Nested
  class Capability {
    @Test
    void isWhatQemuAdvertisesAndTheDriverKnows() {
      // 6.12 knows 0x7: QEMU 7.2 advertises 0x3, QEMU 10 0x7
      assertEquals(
          OptionalInt.of(3),
          derive(x86(PvpanicDevice.Kind.PCI), DEBIAN_612, qemu(7, 2)).capability());
      assertEquals(
          OptionalInt.of(7),
          derive(x86(PvpanicDevice.Kind.PCI), DEBIAN_612, qemu(10, 0)).capability());
    }

    @Test
    void aDriverBefore610KnowsNoShutdownBit() {
      // QEMU 10 advertises 0x7; Linux 6.1 keeps 0x3 of it
      assertEquals(
          OptionalInt.of(3),
          derive(x86(PvpanicDevice.Kind.PCI), DEBIAN_61, qemu(10, 0)).capability());
    }

    @Test
    void theEventsPropertyAndOldMachineTypesLimitIt() {
      assertEquals(
          OptionalInt.of(1),
          derive(
                  x86(PvpanicDevice.Kind.PCI).withDevice(PvpanicDevice.Kind.PCI, Cells.events(1)),
                  DEBIAN_612,
                  qemu(10, 0))
              .capability());
      assertEquals(
          OptionalInt.of(1),
          derive(x86(PvpanicDevice.Kind.ISA).withMachineType("pc-q35-5.1"), DEBIAN_612, qemu(7, 2))
              .capability());
    }

    @Test
    void isAbsentBefore512AndWithoutADriver() {
      assertEquals(
          OptionalInt.empty(),
          derive(x86(PvpanicDevice.Kind.ISA), DEBIAN_510, qemu(7, 2)).capability());
      assertEquals(
          OptionalInt.empty(),
          derive(x86(PvpanicDevice.Kind.NONE), DEBIAN_612, qemu(7, 2)).capability());
    }

    @Test
    void eventsStartEqualToCapability() {
      GuestExpectation g = derive(x86(PvpanicDevice.Kind.PCI), DEBIAN_612, qemu(10, 0));
      assertEquals(g.capability(), g.facts().events());
    }
  }

  @Nested
  class Checks {
    private final GuestExpectation pci =
        derive(
            x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.RUNTIME),
            DEBIAN_612,
            qemu(7, 2));

    private GuestReport healthy() {
      return new GuestReport(
              "6.12.107+deb13-amd64",
              PvpanicDriver.PVPANIC_PCI,
              OptionalInt.of(3),
              OptionalInt.of(3),
              Optional.of(false),
              Optional.of(false),
              Optional.empty())
          .withArmed(new GuestReport.Armed(Optional.of(true), Optional.of(true), Optional.empty()));
    }

    @Test
    void aHealthyGuestMatchesEveryFact() {
      List<GuestFactCheck> checks = pci.check(healthy());
      assertTrue(checks.stream().allMatch(GuestFactCheck::matches), checks.toString());
      assertEquals(8, checks.size(), "READY facts and both armed facts");
    }

    @Test
    void anUnboundDriverIsItsOwnLine() {
      GuestReport r = healthy();
      GuestReport unbound =
          new GuestReport(
              r.kernelRelease(),
              PvpanicDriver.NONE,
              OptionalInt.empty(),
              OptionalInt.empty(),
              r.kexecCrashLoaded(),
              r.postNotifiers(),
              r.armed());
      List<String> wrong =
          pci.check(unbound).stream().filter(c -> !c.matches()).map(GuestFactCheck::line).toList();
      assertEquals(
          List.of(
              "! pvpanic driver: expected pvpanic-pci bound, actual none",
              "! sysfs capability: expected 0x3 (PANICKED|CRASH_LOADED), actual absent",
              "! sysfs events: expected 0x3 (PANICKED|CRASH_LOADED), actual absent"),
          wrong);
    }

    @Test
    void aCapabilityTheDeviceShouldNotHaveFails() {
      GuestReport r = healthy();
      GuestReport regressed =
          new GuestReport(
              r.kernelRelease(),
              r.driver(),
              OptionalInt.of(1),
              OptionalInt.of(1),
              r.kexecCrashLoaded(),
              r.postNotifiers(),
              r.armed());
      assertTrue(
          pci.check(regressed).stream()
              .anyMatch(
                  c ->
                      c.line()
                          .equals(
                              "! sysfs capability: expected 0x3 (PANICKED|CRASH_LOADED), actual 0x1"
                                  + " (PANICKED)")));
    }

    @Test
    void notifiersOnAtReadyAndKexecNotLoadedAfterArmingFail() {
      GuestReport r = healthy();
      GuestReport wrong =
          new GuestReport(
                  r.kernelRelease(),
                  r.driver(),
                  r.capability(),
                  r.events(),
                  Optional.of(false),
                  Optional.of(true),
                  Optional.empty())
              .withArmed(
                  new GuestReport.Armed(
                      Optional.of(false), Optional.of(true), Optional.of("'kexec -p' exited 255")));
      List<String> lines =
          pci.check(wrong).stream().filter(c -> !c.matches()).map(GuestFactCheck::line).toList();
      assertEquals(
          List.of(
              "! crash_kexec_post_notifiers at READY: expected N, actual Y",
              "! kexec_crash_loaded after arming: expected 1, actual 0 ('kexec -p' exited 255)"),
          lines);
    }

    @Test
    void theKernelReleaseComesFromTheImage() {
      GuestReport r = healthy();
      GuestReport other =
          new GuestReport(
              "6.12.999-other",
              r.driver(),
              r.capability(),
              r.events(),
              r.kexecCrashLoaded(),
              r.postNotifiers(),
              r.armed());
      assertFalse(pci.check(other).get(0).matches());
      assertEquals(kernel("6.12.107+deb13-amd64"), pci.kernel());
    }
  }
}
