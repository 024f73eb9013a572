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
 * x86_64 and 5 s on aarch64 ({@code kexec -p -i}). riscv64 (measured on this project's 2-core
 * machine, cold, QEMU 7.2): a panic cell about 7 s, kdump adds about 20 s ({@code kexec -p -i} of a
 * 31 MB Image takes 15 s under TCG). Only the order matters, not the seconds.
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
    return switch (arch) {
      case X86_64 -> 12 + (cell.kdump() ? 14 : 0);
      case AARCH64 -> 13 + (cell.kdump() ? 5 : 0);
      case RISCV64 -> 7 + (cell.kdump() ? 20 : 0);
    };
  }

  /** The cells, longest first; equal estimates keep their order (the config's). */
  public static List<PlannedCell> longestFirst(List<PlannedCell> cells) {
    return cells.stream()
        .sorted(Comparator.comparingDouble((PlannedCell p) -> estimateSeconds(p)).reversed())
        .toList();
  }
}
