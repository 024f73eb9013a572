package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuCommandLineTest {
  private static final Path QMP = Path.of("/tmp/pvh-1-a-1/qmp.sock");
  private static final Path CON = Path.of("/tmp/pvh-1-a-1/console.sock");

  @TempDir Path tmp;

  /** The value following {@code flag} in argv (the first occurrence). */
  private static String after(List<String> argv, String flag) {
    int i = argv.indexOf(flag);
    assertTrue(i >= 0 && i + 1 < argv.size(), flag + " missing in " + argv);
    return argv.get(i + 1);
  }

  @Test
  void x86DefaultsToQ35WithoutCpuOverrideUnderTcg() {
    List<String> argv =
        QemuCommandLine.argv(
            MachineSpec.builder(Architecture.X86_64).build(), QMP, CON, Accelerator.TCG);
    assertEquals("qemu-system-x86_64", argv.get(0));
    assertEquals("q35", after(argv, "-machine"));
    assertEquals("tcg", after(argv, "-accel"));
    assertFalse(argv.contains("-cpu"), "x86 under TCG keeps QEMU's default CPU: " + argv);
    assertEquals("1024", after(argv, "-m"));
    assertTrue(argv.contains("-nodefaults"));
    assertFalse(argv.contains("-action"), "QEMU's default actions give no -action at all");
  }

  @Test
  void aarch64UsesVirtAndCortexA57() {
    List<String> argv =
        QemuCommandLine.argv(
            MachineSpec.builder(Architecture.AARCH64).build(), QMP, CON, Accelerator.TCG);
    assertEquals("qemu-system-aarch64", argv.get(0));
    assertEquals("virt", after(argv, "-machine"));
    assertEquals("cortex-a57", after(argv, "-cpu"));
    assertEquals("512", after(argv, "-m"));
  }

  @Test
  void socketsAreClientChardevsWiredToMonitorAndSerial() {
    List<String> argv =
        QemuCommandLine.argv(
            MachineSpec.builder(Architecture.X86_64).build(), QMP, CON, Accelerator.TCG);
    assertTrue(argv.contains("socket,id=qmp,path=" + QMP), argv.toString());
    assertTrue(argv.contains("socket,id=console,path=" + CON), argv.toString());
    assertEquals("chardev=qmp,mode=control", after(argv, "-mon"));
    assertEquals("chardev:console", after(argv, "-serial"));
    assertTrue(
        argv.stream().noneMatch(a -> a.contains("server=on")),
        "the harness listens; QEMU must connect as a client");
  }

  @Test
  void kernelInitrdAppendDeviceActionsAndMachineType() throws IOException {
    Path kernel = Files.createFile(tmp.resolve("vmlinuz"));
    Path initrd = Files.createFile(tmp.resolve("initrd.gz"));
    MachineSpec spec =
        MachineSpec.builder(Architecture.X86_64)
            .kernel(kernel)
            .initrd(initrd)
            .append("console=ttyS0 crashkernel=192M")
            .pvpanic(PvpanicDevice.pci().withEvents(1))
            .actions(QemuActions.of("none", "pause"))
            .machineType("pc-q35-5.1")
            .extraArgs(List.of("-no-reboot"))
            .build();
    List<String> argv = QemuCommandLine.argv(spec, QMP, CON, Accelerator.TCG);
    assertEquals(kernel.toString(), after(argv, "-kernel"));
    assertEquals(initrd.toString(), after(argv, "-initrd"));
    assertEquals("console=ttyS0 crashkernel=192M", after(argv, "-append"));
    assertEquals("pvpanic-pci,events=1", after(argv, "-device"));
    assertEquals("panic=none,shutdown=pause", after(argv, "-action"));
    assertEquals("pc-q35-5.1", after(argv, "-machine"));
    assertEquals("-no-reboot", argv.get(argv.size() - 1));
  }

  @Test
  void kvmUsesTheHostCpu() {
    List<String> argv =
        QemuCommandLine.argv(
            MachineSpec.builder(Architecture.X86_64).build(), QMP, CON, Accelerator.KVM);
    assertEquals("kvm", after(argv, "-accel"));
    assertEquals("host", after(argv, "-cpu"));
  }

  @Test
  void autoMustBeDecidedFirst() {
    MachineSpec spec = MachineSpec.builder(Architecture.X86_64).build();
    assertThrows(
        IllegalArgumentException.class,
        () -> QemuCommandLine.argv(spec, QMP, CON, Accelerator.AUTO));
  }

  @Test
  void qemuBuildBinaryEnvAndLeadingArgs() {
    QemuBuild build =
        new QemuBuild(
            "debian-10.0",
            "/opt/q/usr/bin/qemu-system-x86_64",
            java.util.Map.of("QEMU_MODULE_DIR", "/opt/q/mods"),
            List.of("-L", "/opt/q/fw"));
    List<String> argv =
        QemuCommandLine.argv(
            MachineSpec.builder(Architecture.X86_64).qemu(build).build(),
            QMP,
            CON,
            Accelerator.TCG);
    assertEquals(
        List.of("/opt/q/usr/bin/qemu-system-x86_64", "-L", "/opt/q/fw"), argv.subList(0, 3));
  }

  @Test
  void shellLineQuotesOnlyWhatNeedsIt() {
    assertEquals(
        "qemu -append 'console=ttyS0 quiet' -name 'it'\\''s'",
        QemuCommandLine.toShell(
            List.of("qemu", "-append", "console=ttyS0 quiet", "-name", "it's")));
    assertEquals("''", QemuCommandLine.toShell(Collections.singletonList("")));
  }
}
