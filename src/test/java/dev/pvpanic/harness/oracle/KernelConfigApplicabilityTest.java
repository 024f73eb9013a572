package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.arm64;
import static dev.pvpanic.harness.oracle.Cells.kernel;
import static dev.pvpanic.harness.oracle.Cells.x86;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A cell the kernel's own config says it cannot do is refused before boot, naming the option; a
 * stock recipe kernel without pvpanic stays a control, a user's kernel without it is refused.
 */
class KernelConfigApplicabilityTest {
  /** What Debian's amd64 6.12 kernel sets of the symbols the rules read. */
  private static final Map<String, String> DEBIAN =
      Map.ofEntries(
          Map.entry("CONFIG_BLK_DEV_INITRD", "y"),
          Map.entry("CONFIG_RD_GZIP", "y"),
          Map.entry("CONFIG_SERIAL_8250_CONSOLE", "y"),
          Map.entry("CONFIG_SERIAL_AMBA_PL011_CONSOLE", "y"),
          Map.entry("CONFIG_KEXEC", "y"),
          Map.entry("CONFIG_KEXEC_FILE", "y"),
          Map.entry("CONFIG_CRASH_DUMP", "y"),
          Map.entry("CONFIG_PROC_VMCORE", "y"),
          Map.entry("CONFIG_MAGIC_SYSRQ", "y"),
          Map.entry("CONFIG_I6300ESB_WDT", "m"),
          Map.entry("CONFIG_PVPANIC", "y"),
          Map.entry("CONFIG_PVPANIC_MMIO", "m"),
          Map.entry("CONFIG_PVPANIC_PCI", "m"),
          Map.entry("CONFIG_PANIC_TIMEOUT", "0"));

  private static KernelConfig config(Map<String, String> changes) {
    Map<String, String> c = new TreeMap<>(DEBIAN);
    changes.forEach(
        (k, v) -> {
          if (v.isEmpty()) {
            c.remove(k);
          } else {
            c.put(k, v);
          }
        });
    return new KernelConfig(c);
  }

  /** A user's kernel (its driver under test) of {@code release} with {@code config}. */
  private static ImageFacts user(String release, KernelConfig config) {
    return ImageFacts.of(kernel(release), "module", PvpanicDriver.PVPANIC_PCI)
        .withTriggerModules(Set.of("i6300esb"))
        .withConfig(config)
        .expectingDriver();
  }

  private static List<String> reasons(CellSetup setup, ImageFacts image) {
    Applicability a = Applicability.ofImage(setup, image);
    return a instanceof Applicability.NotApplicable na ? na.reasons() : List.of();
  }

  @Test
  void debiansConfigCanDoEveryCell() {
    ImageFacts image = user("6.12.107+deb13-amd64", config(Map.of()));
    for (CellSetup s :
        List.of(
            x86(PvpanicDevice.Kind.PCI),
            x86(PvpanicDevice.Kind.ISA),
            x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.CMDLINE),
            x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("watchdog")),
            arm64(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.OFF))) {
      assertInstanceOf(Applicability.Applicable.class, Applicability.ofImage(s, image), "" + s);
    }
  }

  @Test
  void kdumpWithoutCrashDumpNamesTheOption() {
    List<String> r =
        reasons(
            x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.OFF),
            user("6.12.0", config(Map.of("CONFIG_CRASH_DUMP", ""))));
    assertEquals(1, r.size(), "" + r);
    assertTrue(r.get(0).startsWith("the kernel's config lacks CONFIG_CRASH_DUMP=y"), r.get(0));
    assertEquals(
        List.of(),
        reasons(
            x86(PvpanicDevice.Kind.PCI), user("6.12.0", config(Map.of("CONFIG_CRASH_DUMP", "")))),
        "no kdump, no need");
  }

  @Test
  void kdumpNeedsAKexecTheKernelHas() {
    KernelConfig noFile = config(Map.of("CONFIG_KEXEC_FILE", ""));
    KernelConfig noClassic = config(Map.of("CONFIG_KEXEC", ""));
    KernelConfig neither = config(Map.of("CONFIG_KEXEC", "", "CONFIG_KEXEC_FILE", ""));
    CellSetup x86 = x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.OFF);
    CellSetup arm = arm64(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.OFF);
    // x86_64 loads with kexec_load where the kernel has it, else with kexec_file_load
    assertEquals(List.of(), reasons(x86, user("6.12.0", noFile)));
    assertEquals(List.of(), reasons(x86, user("6.12.0", noClassic)));
    List<String> none = reasons(x86, user("6.12.0", neither));
    assertEquals(1, none.size(), "" + none);
    assertTrue(
        none.get(0).contains("CONFIG_KEXEC_FILE=y")
            && none.get(0).contains("CONFIG_KEXEC is off too"),
        none.get(0));
    // arm64 has only kexec_load for a crash kernel
    assertEquals(List.of(), reasons(arm, user("6.12.0", noFile)));
    assertTrue(reasons(arm, user("6.12.0", noClassic)).get(0).contains("CONFIG_KEXEC=y"));
  }

  @Test
  void aPciCellOnAUsersKernelWithoutThePciDriverNamesIt() {
    List<String> r =
        reasons(
            x86(PvpanicDevice.Kind.PCI), user("6.12.0", config(Map.of("CONFIG_PVPANIC_PCI", ""))));
    assertEquals(
        List.of(
            "the kernel's config lacks CONFIG_PVPANIC_PCI (y or m): the cell's -device pvpanic-pci"
                + " expects the kernel's driver; use a kernel built with it, or device: none"),
        r);
    assertEquals(
        List.of(),
        reasons(
            x86(PvpanicDevice.Kind.ISA), user("6.12.0", config(Map.of("CONFIG_PVPANIC_PCI", "")))));
  }

  @Test
  void aUsersKernelWithNoPvpanicAtAllIsRefusedForAnyDevice() {
    KernelConfig none =
        config(Map.of("CONFIG_PVPANIC", "", "CONFIG_PVPANIC_MMIO", "", "CONFIG_PVPANIC_PCI", ""));
    for (PvpanicDevice.Kind d : List.of(PvpanicDevice.Kind.PCI, PvpanicDevice.Kind.ISA)) {
      List<String> r = reasons(x86(d), user("6.12.0", none));
      assertEquals(1, r.size(), "" + r);
      assertTrue(
          r.get(0).startsWith("the kernel's config lacks CONFIG_PVPANIC (y or m)"), r.get(0));
    }
    assertEquals(List.of(), reasons(x86(PvpanicDevice.Kind.NONE), user("6.12.0", none)));
  }

  @Test
  void aStockRecipeKernelWithoutPvpanicStaysAControl() {
    ImageFacts stock =
        ImageFacts.of(kernel("6.12.107+deb13-arm64"), "none")
            .withConfig(config(Map.of("CONFIG_PVPANIC", "", "CONFIG_PVPANIC_PCI", "")));
    assertEquals(List.of(), reasons(arm64(PvpanicDevice.Kind.PCI), stock));
  }

  @Test
  void beforeFiveThirteenThereIsNoPciDriver() {
    KernelConfig old = config(Map.of("CONFIG_PVPANIC_MMIO", "", "CONFIG_PVPANIC_PCI", ""));
    assertTrue(
        reasons(x86(PvpanicDevice.Kind.PCI), user("5.10.0-46-amd64", old))
            .get(0)
            .contains("Linux before 5.13 has no pvpanic-pci driver"));
    assertEquals(List.of(), reasons(x86(PvpanicDevice.Kind.ISA), user("5.10.0-46-amd64", old)));
  }

  @Test
  void everyCellNeedsAnInitramfsAndTheArchitecturesSerialConsole() {
    KernelConfig bare =
        config(
            Map.of(
                "CONFIG_BLK_DEV_INITRD", "",
                "CONFIG_SERIAL_8250_CONSOLE", "",
                "CONFIG_SERIAL_AMBA_PL011_CONSOLE", "m"));
    List<String> x = reasons(x86(PvpanicDevice.Kind.NONE), user("6.12.0", bare));
    assertEquals(2, x.size(), "" + x);
    assertTrue(x.get(0).contains("CONFIG_BLK_DEV_INITRD=y"), x.get(0));
    assertTrue(x.get(1).contains("CONFIG_SERIAL_8250_CONSOLE=y"), x.get(1));
    List<String> a = reasons(arm64(PvpanicDevice.Kind.NONE), user("6.12.0", bare));
    assertTrue(a.get(1).contains("CONFIG_SERIAL_AMBA_PL011_CONSOLE=y (it is m)"), a.get(1));
  }

  @Test
  void sysrqAndWatchdogTriggersNeedTheirOptions() {
    assertTrue(
        reasons(
                x86(PvpanicDevice.Kind.PCI),
                user("6.12.0", config(Map.of("CONFIG_MAGIC_SYSRQ", ""))))
            .get(0)
            .contains("CONFIG_MAGIC_SYSRQ=y"));
    assertTrue(
        reasons(
                x86(PvpanicDevice.Kind.PCI).withTrigger(Trigger.of("watchdog")),
                user("6.12.0", config(Map.of("CONFIG_I6300ESB_WDT", ""))))
            .get(0)
            .contains("CONFIG_I6300ESB_WDT (y or m)"));
  }

  @Test
  void aPanicTimeoutIsAFactOfTheImage() {
    assertEquals(
        Derived.known(30L),
        user("6.12.0", config(Map.of("CONFIG_PANIC_TIMEOUT", "30"))).panicTimeout());
    assertEquals(Derived.known(0L), user("6.12.0", config(Map.of())).panicTimeout());
    assertInstanceOf(
        Derived.Unknown.class, ImageFacts.of(kernel("6.12.0"), "module").panicTimeout());
  }

  @Test
  void withoutARecordedConfigNothingIsRefused() {
    assertEquals(
        List.of(),
        reasons(
            x86(PvpanicDevice.Kind.PCI).withKdump(true, PostNotifiers.OFF),
            ImageFacts.of(kernel("6.12.0"), "module", PvpanicDriver.PVPANIC_PCI)));
  }
}
