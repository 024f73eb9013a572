package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.Derived;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.util.Map;
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
}
