package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.machine.Architecture;
import java.util.Comparator;
import java.util.List;

/**
 * A rough estimate of how long a cell runs under TCG, from its parameters alone, to start the
 * longest cells first: a long cell started last leaves the other slots idle while it finishes.
 *
 * <p>From the timings in FACTS.md (one guest at a time): a panic cell takes about 12 s on x86_64
 * and 13 s on aarch64 (cortex-a57); loading kdump and running the capture kernel adds about 14 s on
 * x86_64 and 5 s on aarch64 ({@code kexec -p -i}). Only the order matters, not the seconds.
 */
public final class CellCost {
  private CellCost() {}

  /** Estimated seconds for a cell; 0 for a cell that will be skipped. */
  public static double estimateSeconds(PlannedCell planned) {
    if (planned.skipReason().isPresent()) {
      return 0;
    }
    return estimateSeconds(planned.cell(), planned.recipe().arch());
  }

  public static double estimateSeconds(Cell cell, Architecture arch) {
    boolean arm = arch == Architecture.AARCH64;
    double seconds = arm ? 13 : 12;
    if (cell.kdump()) {
      seconds += arm ? 5 : 14;
    }
    return seconds;
  }

  /** The cells, longest first; equal estimates keep their order (the config's). */
  public static List<PlannedCell> longestFirst(List<PlannedCell> cells) {
    return cells.stream()
        .sorted(Comparator.comparingDouble((PlannedCell p) -> estimateSeconds(p)).reversed())
        .toList();
  }
}
