package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.Derived;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which kexec load the capture kernel gets comes from the kernel's own config. */
class KexecCommandTest {
  private static final String APPEND = "console=ttyS0 irqpoll";

  private static Derived<KernelConfig> config(String... symbols) {
    Map<String, String> values = new java.util.TreeMap<>();
    for (String s : symbols) {
      values.put(s, "y");
    }
    return Derived.known(new KernelConfig(values));
  }

  @Test
  void aKernelWithKexecLoadIsLoadedWithoutChecksums() {
    String c =
        CellMachine.kexecCommand(
            Architecture.X86_64, config("CONFIG_KEXEC", "CONFIG_KEXEC_FILE"), APPEND);
    assertTrue(c.startsWith("kexec -p -i /boot/vmlinuz --initrd=/boot/capture.cpio.gz"), c);
    assertTrue(c.endsWith("--append=\"" + APPEND + "\""), c);
  }

  @Test
  void anX86KernelWithOnlyKexecFileLoadGetsIt() {
    assertTrue(
        CellMachine.kexecCommand(Architecture.X86_64, config("CONFIG_KEXEC_FILE"), APPEND)
            .startsWith("kexec -p -s "));
  }

  @Test
  void anX86KernelWhoseConfigIsUnknownKeepsKexecFileLoad() {
    assertTrue(
        CellMachine.kexecCommand(
                Architecture.X86_64, Derived.unknown("no config in the manifest"), APPEND)
            .startsWith("kexec -p -s "));
  }

  @Test
  void arm64AndRiscv64AlwaysUseKexecLoad() {
    for (Architecture a : new Architecture[] {Architecture.AARCH64, Architecture.RISCV64}) {
      assertTrue(
          CellMachine.kexecCommand(a, Derived.unknown("none"), APPEND).startsWith("kexec -p -i "),
          a.id());
    }
  }

  private static dev.pvpanic.harness.image.GuestImage image(
      Optional<dev.pvpanic.harness.image.GuestImage.SystemDisk> system) {
    dev.pvpanic.harness.image.ImageRecipe recipe =
        dev.pvpanic.harness.image.ImageRecipes.load(java.nio.file.Path.of("images/recipes"))
            .get("x86_64-6.12");
    dev.pvpanic.harness.oracle.ImageFacts facts =
        new dev.pvpanic.harness.oracle.ImageFacts(
            Derived.known(dev.pvpanic.harness.oracle.KernelVersion.parse("6.12.1")),
            Derived.known(java.util.Set.of()),
            "module",
            java.util.Set.of(),
            config("CONFIG_KEXEC"),
            true);
    java.nio.file.Path none = java.nio.file.Path.of("unused");
    return new dev.pvpanic.harness.image.GuestImage(
        recipe, none, none, none, "6.12.1", "module", "id", facts, system);
  }

  private static Cell cell(String kdump, String userland) {
    return new Cell(
        Optional.of("c"),
        Map.of(Axis.RECIPE, "x86_64-6.12", Axis.KDUMP, kdump, Axis.USERLAND, userland));
  }

  /**
   * Only a kdump cell on the minimal guest has its snapshot's guest load the capture kernel, with
   * the very command the cell would type; a Debian system's kdump-tools loads it at boot.
   */
  @Test
  void theSnapshotOfAMinimalKdumpCellLoadsTheCaptureKernelTheCellWouldLoad() {
    String main = "console=ttyS0 crashkernel=192M";
    dev.pvpanic.harness.image.GuestImage minimal = image(Optional.empty());
    assertEquals(
        Optional.of(
            CellMachine.kexecCommand(
                Architecture.X86_64, config("CONFIG_KEXEC"), CellMachine.captureCmdline(main))),
        CellMachine.snapshotArming(cell("yes", "minimal"), minimal, main));
    assertEquals(
        Optional.empty(), CellMachine.snapshotArming(cell("no", "minimal"), minimal, main));
    dev.pvpanic.harness.image.GuestImage system =
        image(
            Optional.of(
                new dev.pvpanic.harness.image.GuestImage.SystemDisk(
                    java.nio.file.Path.of("disk"),
                    new dev.pvpanic.harness.image.SystemFacts(
                        true, "", "384M-:128M", Optional.empty(), Optional.empty()))));
    assertEquals(Optional.empty(), CellMachine.snapshotArming(cell("yes", "debian"), system, main));
  }
}
