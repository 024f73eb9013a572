package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.cell.CellResult;
import java.time.Duration;
import java.util.List;

/**
 * One run of every cell in one mode.
 *
 * @param mode {@code cold} or {@code snapshot}
 * @param round counting from 1
 * @param wall from the first cell's start to the last cell's end
 */
record Pass(String mode, int round, Duration wall, List<CellResult> results) {
  Pass {
    results = List.copyOf(results);
  }
}
