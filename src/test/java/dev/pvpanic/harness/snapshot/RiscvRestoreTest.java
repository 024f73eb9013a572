package dev.pvpanic.harness.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.cell.CellStarter;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** riscv64 guests restore only on a QEMU that migrates the Sstc timers (10.2). */
class RiscvRestoreTest {
  @Test
  void riscvBefore102BootsColdNamingTheFix() {
    Optional<String> reason =
        CellStarter.riscvTimerLostOnRestore(
            Architecture.RISCV64, Optional.of(QemuVersion.of(10, 0, 2)));
    assertTrue(reason.orElse("").contains("b0daaa172a1c"), reason.toString());
    assertTrue(
        CellStarter.riscvTimerLostOnRestore(Architecture.RISCV64, Optional.empty()).isPresent());
  }

  @Test
  void riscvFrom102AndOtherArchitecturesRestore() {
    assertEquals(
        Optional.empty(),
        CellStarter.riscvTimerLostOnRestore(
            Architecture.RISCV64, Optional.of(QemuVersion.of(10, 2, 0))));
    assertEquals(
        Optional.empty(),
        CellStarter.riscvTimerLostOnRestore(
            Architecture.AARCH64, Optional.of(QemuVersion.of(7, 2, 0))));
  }
}
