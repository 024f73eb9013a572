package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.SystemFacts;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A debian kdump cell needs the memory kdump-tools' crashkernel range reserves anything in. */
class SystemMemoryTest {
  private static final Optional<SystemFacts> KDUMP_TOOLS =
      Optional.of(new SystemFacts(true, "", "384M-:128M", Optional.empty(), Optional.empty()));

  private static Cell cell(String kdump, String qemuArgs) {
    return new Cell(
        Optional.of("c"),
        Map.of(
            Axis.RECIPE,
            "x86_64-6.12",
            Axis.USERLAND,
            "debian",
            Axis.KDUMP,
            kdump,
            Axis.QEMU_ARGS,
            qemuArgs));
  }

  @Test
  void aMachineBelowTheReservationsRangeIsRefusedNamingTheSizeToGive() {
    String why = CellMachine.systemProblem(cell("yes", "-m 256"), KDUMP_TOOLS, 1024).orElseThrow();
    assertTrue(why.contains("the machine has 256 MiB"), why);
    assertTrue(why.contains("crashkernel=384M-:128M"), why);
    assertTrue(why.contains("-m 384"), why);
    assertTrue(CellMachine.systemProblem(cell("yes", ""), KDUMP_TOOLS, 256).isPresent());
  }

  @Test
  void enoughMemoryNoKdumpOrTheMinimalUserlandNeedNothing() {
    assertEquals(Optional.empty(), CellMachine.systemProblem(cell("yes", ""), KDUMP_TOOLS, 512));
    assertEquals(
        Optional.empty(), CellMachine.systemProblem(cell("no", "-m 256"), KDUMP_TOOLS, 1024));
    assertEquals(
        Optional.empty(), CellMachine.systemProblem(cell("yes", "-m 256"), Optional.empty(), 256));
  }

  @Test
  void aKernelTheSystemsMakedumpfileCannotReadIsRefusedWithTheReason() {
    Optional<SystemFacts> lpa2 =
        Optional.of(
            new SystemFacts(
                true, "", "384M-:128M", Optional.empty(), Optional.of("makedumpfile 1.7.2 ...")));
    String why = CellMachine.systemProblem(cell("yes", ""), lpa2, 4096).orElseThrow();
    assertTrue(why.contains("makedumpfile 1.7.2"), why);
    assertEquals(Optional.empty(), CellMachine.systemProblem(cell("no", ""), lpa2, 4096));
  }
}
