package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failing verdict fails a test; only a pass and a cell that does not apply do not. */
class CellResultTest {
  @TempDir Path dir;

  private CellResult result(Verdict v) {
    Cell cell = new Cell(Optional.of("c"), Map.of(Axis.RECIPE, "x86_64-6.12"));
    return CellRunner.notRun(cell, v, "message", dir.resolve(v.name()));
  }

  @Test
  void everyVerdictButPassAndNotApplicableFails() {
    for (Verdict v : Verdict.values()) {
      CellResult r = result(v);
      if (v == Verdict.PASS || v == Verdict.NOT_APPLICABLE) {
        assertDoesNotThrow(r::assertPassed, v.name());
      } else {
        Throwable t = assertThrows(Throwable.class, r::assertPassed, v.name());
        assertTrue(
            t.getMessage().startsWith(v.name() + ": message"),
            "Allure's categories match the verdict at the start: " + t.getMessage());
      }
    }
  }
}
