package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting from a saved state: the arguments QEMU gets. */
class SavedStateCommandLineTest {
  private static final Path QMP = Path.of("/tmp/pvh-1-a-1/qmp.sock");
  private static final Path CON = Path.of("/tmp/pvh-1-a-1/console.sock");

  @TempDir Path tmp;

  @Test
  void incomingIsDeferredSoTheStateIsHandedOverOnQmpNotReadByASpawnedCat() throws IOException {
    Path state = Files.writeString(tmp.resolve("state.bin"), "s");
    List<String> argv =
        QemuCommandLine.argv(
            MachineSpec.builder(Architecture.X86_64)
                .incoming(state)
                .actions(QemuActions.of("none", null))
                .build(),
            QMP,
            CON,
            Accelerator.TCG);
    int i = argv.indexOf("-incoming");
    assertTrue(i > 0, argv.toString());
    assertEquals("defer", argv.get(i + 1));
    assertFalse(argv.toString().contains("exec:"), argv.toString());
    assertTrue(argv.contains("panic=none"), "the restoring QEMU gets the cell's -action: " + argv);
  }

  @Test
  void withoutIncomingThereIsNone() {
    assertFalse(
        QemuCommandLine.argv(
                MachineSpec.builder(Architecture.X86_64).build(), QMP, CON, Accelerator.TCG)
            .contains("-incoming"));
  }

  @Test
  void aMissingStateFileIsRejectedBeforeQemuStarts() {
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    MachineSpec.builder(Architecture.X86_64)
                        .incoming(tmp.resolve("gone.bin"))
                        .build())
            .getMessage();
    assertTrue(m.contains("gone.bin"), m);
  }

  @Test
  void peakMemoryIsReadFromVmHwm() {
    assertEquals(
        123456L,
        PeakMemory.parseKb("Name:\tqemu\nVmPeak:\t 999 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 1 kB\n")
            .getAsLong());
    assertTrue(PeakMemory.parseKb("Name:\tzombie\nState:\tZ\n").isEmpty());
    assertTrue(PeakMemory.ofThisProcessKb().getAsLong() > 1024, "a JVM uses more than 1 MiB");
  }
}
