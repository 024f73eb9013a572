package dev.pvpanic.harness.run;

import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A set of cells ready to run: the planned cells of a guest config (one shard of it) in the order
 * they run (longest first), how many guests run at once, where each cell's artifacts go, and
 * whether every guest boots cold, and how often a cell whose verdict is an infrastructure error
 * runs again ({@code retryInfra}; every attempt is kept). The command line and the JUnit matrix
 * both get theirs from {@link HarnessSession#matrix}, so the same config runs the same way in both.
 */
public record MatrixRun(
    GuestConfig config,
    List<PlannedCell> cells,
    int parallelism,
    Path artifactsRoot,
    boolean cold,
    int retryInfra) {

  public MatrixRun {
    Objects.requireNonNull(config, "config");
    cells = List.copyOf(cells);
    Objects.requireNonNull(artifactsRoot, "artifactsRoot");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
    }
    if (retryInfra < 0) {
      throw new IllegalArgumentException("retryInfra must be 0 or more, was " + retryInfra);
    }
  }

  /** A run that does not retry. */
  public MatrixRun(
      GuestConfig config,
      List<PlannedCell> cells,
      int parallelism,
      Path artifactsRoot,
      boolean cold) {
    this(config, cells, parallelism, artifactsRoot, cold, 0);
  }

  /** This run, re-running infrastructure errors up to {@code n} times. */
  public MatrixRun withRetryInfra(int n) {
    return new MatrixRun(config, cells, parallelism, artifactsRoot, cold, n);
  }

  /** The artifact folder of one cell: {@code <root>/<cell id>}. */
  public Path artifacts(PlannedCell cell) {
    return artifactsRoot.resolve(cell.cell().identity().folderName());
  }
}
