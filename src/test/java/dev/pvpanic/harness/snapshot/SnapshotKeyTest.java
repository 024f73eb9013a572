package dev.pvpanic.harness.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.machine.QemuActions;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuFingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every input that must match between saving and restoring QEMU changes the key; nothing else. */
class SnapshotKeyTest {
  private static final String IMAGE = "a".repeat(64);
  private static final QemuFingerprint QEMU_72 =
      new QemuFingerprint("7.2.22 (Debian 1:7.2+dfsg-7)", "1".repeat(64), Path.of("/usr/bin/q"));

  @TempDir Path tmp;
  private MachineSpec base;

  @BeforeEach
  void spec() throws IOException {
    Path kernel = Files.writeString(tmp.resolve("vmlinuz"), "k");
    Path initrd = Files.writeString(tmp.resolve("initrd"), "i");
    base =
        MachineSpec.builder(Architecture.X86_64)
            .name("cell-a")
            .kernel(kernel)
            .initrd(initrd)
            .append("console=ttyS0 crashkernel=192M")
            .pvpanic(PvpanicDevice.pci())
            .artifactsDir(tmp.resolve("cell-a"))
            .build();
  }

  private String key(MachineSpec spec) {
    return SnapshotKey.of(spec, Accelerator.TCG, IMAGE, QEMU_72).hash();
  }

  private String keyWith(UnaryOperator<MachineSpec.Builder> change) {
    return key(change.apply(base.toBuilder()).build());
  }

  @Test
  void theSameInputsGiveTheSameKey() {
    assertEquals(key(base), key(base.toBuilder().build()));
    assertEquals(64, key(base).length());
  }

  @Test
  void theKernelCommandLineIsPartOfTheKey() {
    String notifiers =
        keyWith(b -> b.append("console=ttyS0 crashkernel=192M crash_kexec_post_notifiers"));
    String acpiOff = keyWith(b -> b.append("console=ttyS0 crashkernel=192M acpi=off"));
    assertNotEquals(key(base), notifiers);
    assertNotEquals(key(base), acpiOff);
    assertNotEquals(notifiers, acpiOff);
  }

  @Test
  void aGuestArmedBeforeItIsSavedHasAKeyOfItsOwnNamingTheCommand() {
    String loaded = "kexec -p -i /boot/vmlinuz --initrd=/boot/capture.cpio.gz --append=\"a\"";
    SnapshotKey armed =
        SnapshotKey.of(base, Accelerator.TCG, IMAGE, QEMU_72, java.util.Optional.of(loaded));
    SnapshotKey otherLine =
        SnapshotKey.of(
            base,
            Accelerator.TCG,
            IMAGE,
            QEMU_72,
            java.util.Optional.of(loaded.replace("\"a\"", "\"b\"")));
    assertNotEquals(key(base), armed.hash(), "a loaded capture kernel is part of the state");
    assertNotEquals(armed.hash(), otherLine.hash(), "and so is its command line");
    assertEquals(loaded, armed.asMap().get("armed"), "snapshot.json says what was run");
    assertEquals(
        key(base),
        SnapshotKey.of(base, Accelerator.TCG, IMAGE, QEMU_72, java.util.Optional.empty()).hash(),
        "an unarmed guest keeps the key it had");
  }

  @Test
  void theDeviceAndItsEventsMaskArePartOfTheKey() {
    String mask1 = keyWith(b -> b.pvpanic(PvpanicDevice.pci().withEvents(1)));
    String mask3 = keyWith(b -> b.pvpanic(PvpanicDevice.pci().withEvents(3)));
    String isa = keyWith(b -> b.pvpanic(PvpanicDevice.isa()));
    String none = keyWith(b -> b.pvpanic(PvpanicDevice.NONE));
    assertEquals(5, List.of(key(base), mask1, mask3, isa, none).stream().distinct().count());
  }

  @Test
  void theQemuVersionAndBinaryArePartOfTheKey() {
    MachineSpec s = base;
    String other =
        SnapshotKey.of(
                s,
                Accelerator.TCG,
                IMAGE,
                new QemuFingerprint("10.0.2", QEMU_72.binarySha256(), QEMU_72.binary()))
            .hash();
    String rebuilt =
        SnapshotKey.of(
                s,
                Accelerator.TCG,
                IMAGE,
                new QemuFingerprint(QEMU_72.version(), "2".repeat(64), QEMU_72.binary()))
            .hash();
    String env =
        key(
            s.toBuilder()
                .qemu(
                    new QemuBuild(
                        "host",
                        "qemu-system-x86_64",
                        Map.of("QEMU_MODULE_DIR", "/opt/q"),
                        List.of()))
                .build());
    assertEquals(4, List.of(key(s), other, rebuilt, env).stream().distinct().count());
  }

  @Test
  void theMachineShapeAndImageArePartOfTheKey() {
    List<String> keys =
        List.of(
            key(base),
            keyWith(b -> b.memoryMb(2048)),
            keyWith(b -> b.cpus(2)),
            keyWith(b -> b.machineType("pc")),
            keyWith(b -> b.cpu("max")),
            SnapshotKey.of(base, Accelerator.KVM, IMAGE, QEMU_72).hash(),
            SnapshotKey.of(base, Accelerator.TCG, "b".repeat(64), QEMU_72).hash(),
            SnapshotKey.of(
                    MachineSpec.builder(Architecture.AARCH64)
                        .kernel(base.kernel().orElseThrow())
                        .append("console=ttyS0 crashkernel=192M")
                        .pvpanic(PvpanicDevice.pci())
                        .build(),
                    Accelerator.TCG,
                    IMAGE,
                    QEMU_72)
                .hash());
    assertEquals(keys.size(), keys.stream().distinct().count(), keys.toString());
  }

  @Test
  void actionsNamesFoldersAndTheSnapshotFileAreNotPartOfTheKey() throws IOException {
    Path state = Files.writeString(tmp.resolve("state.bin"), "s");
    assertEquals(key(base), keyWith(b -> b.actions(QemuActions.of("none", null))));
    assertEquals(key(base), keyWith(b -> b.actions(QemuActions.of("pause", "pause"))));
    assertEquals(key(base), keyWith(b -> b.actions(QemuActions.of("exit-failure", null))));
    assertEquals(key(base), keyWith(b -> b.name("cell-b").artifactsDir(tmp.resolve("b"))));
    assertEquals(key(base), keyWith(b -> b.incoming(state)));
  }

  @Test
  void theInputsSayWhatWentIn() {
    SnapshotKey k = SnapshotKey.of(base, Accelerator.TCG, IMAGE, QEMU_72);
    Map<String, String> in = k.asMap();
    assertEquals(SnapshotKey.LAYOUT, in.get("layout"));
    assertEquals(IMAGE, in.get("image"));
    String argv = in.get("argv");
    assertTrue(argv.contains("crashkernel=192M") && argv.contains("pvpanic-pci"), argv);
    assertTrue(!argv.contains(tmp.toString()), "no local paths in the key: " + argv);
    assertTrue(!argv.contains("-action"), argv);
  }
}
