package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.UserKernels;
import dev.pvpanic.harness.image.Userland;
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
    if (cell.userland() == Userland.DEBIAN) {
      // a Debian system boots systemd from its disk (never from a snapshot); with kdump, the
      // kdump-tools service saves the dump, and the rebooted system is booted again to read it
      // back: about 100-165 s on x86_64, 45-60 s on aarch64 without kdump (measured here)
      return 55 + (cell.kdump() ? 100 : 0);
    }
    return switch (arch) {
      case X86_64 -> 12 + (cell.kdump() ? 14 : 0);
      case AARCH64 -> 13 + (cell.kdump() ? 5 : 0);
      case RISCV64 -> 7 + (cell.kdump() ? 20 : 0);
    };
  }

  /**
   * Estimated seconds to build a recipe's image with an empty cache, to order the builds: the
   * minimal image about half a minute (downloads, cpio), modules built against the kernel's headers
   * about a minute more, a Debian system image (mmdebstrap) two minutes on x86_64 and five on the
   * others (measured on this project's 2-core machine), a kernel built from its source tree ten.
   * Only the order matters, not the seconds.
   */
  public static double imageBuildSeconds(ImageRecipe r) {
    double s = 30;
    if (r.buildsModules()) {
      s += 60;
    }
    if (r.userland() == Userland.DEBIAN) {
      s += r.arch() == Architecture.X86_64 ? 120 : 300;
    }
    if (UserKernels.isSource(r.name())) {
      s += 600;
    }
    return s;
  }

  /** The cells, longest first; equal estimates keep their order (the config's). */
  public static List<PlannedCell> longestFirst(List<PlannedCell> cells) {
    return cells.stream()
        .sorted(Comparator.comparingDouble((PlannedCell p) -> estimateSeconds(p)).reversed())
        .toList();
  }
}
