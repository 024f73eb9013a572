package dev.pvpanic.harness.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pvpanic.harness.cell.CellMachine;
import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.CellStarter;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.junit.HarnessContext;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Restoring a snapshot must not change what a cell finds: of the guest config (-Dpvh.config,
 * default smoke.yaml), one cell of each kind of snapshot key runs once booting its guest and once
 * from the snapshot, and must get the same verdict and the same expectation (the oracle's input,
 * read from the READY line: cold from the console, restored from the snapshot). One cell per kind
 * of key: what a restore depends on is the QEMU build and the machine it rebuilds (architecture,
 * machine type, the devices with their properties, the crashkernel reservation of a kdump guest and
 * the capture kernel its guest loaded before it was saved), not the kernel release or the rest of
 * its command line; every other cell of a kind restores the same sort of state, and MatrixIT
 * restores every key of the config anyway. The run from snapshots is that same matrix run (this
 * JVM's, shared with MatrixIT), so no cell runs twice restored; only the cold runs are this test's
 * own. Cells that can never be restored (QEMU in a container, riscv64 on QEMU before 10.2) boot
 * either way and are left out.
 */
// its guests run several at a time (MatrixRunner): no other class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class SnapshotIT {
  private static final Set<Verdict> REAL_OUTCOMES =
      Set.of(
          Verdict.PASS,
          Verdict.WRONG_GUEST_STATE,
          Verdict.WRONG_EVENTS,
          Verdict.UNEXPECTED_PANIC,
          Verdict.NOT_APPLICABLE);

  @Test
  void everyCellGetsTheSameVerdictColdAndFromASnapshot() {
    HarnessSession session = HarnessSession.open(TestSettings.jvm(), Optional.empty(), s -> {});
    GuestConfig config = session.loadConfig(session.settings().config());
    Path root = session.settings().buildDir().resolve("snapshot-it").resolve(config.name());
    MatrixRun coldRun =
        onePerSnapshotKey(
            session,
            session.matrix(
                config,
                Shard.configured(session.settings()),
                Optional.of(root.resolve("cold")),
                OptionalInt.empty(),
                true));
    List<PlannedCell> runnable = coldRun.cells();
    assumeTrue(!runnable.isEmpty(), "no cell of " + config.name() + " can run here");
    CellOptions options = TestSettings.session().cellOptions();
    MatrixRunner.Listener log = MatrixRunner.Listener.phases(System.out);
    // The restored side is the JUnit matrix's own run of the same cells (MatrixIT's: every cell
    // of a snapshot key restores it, the first one after making it). All of it first, so its
    // guests never share the cores with the cold ones.
    List<CellResult> snapResults = restored(session, runnable, log);
    List<CellResult> coldResults =
        MatrixRunner.run(session, coldRun, options, log).stream()
            .map(MatrixRunner.Outcome::result)
            .toList();

    List<String> differences = new ArrayList<>();
    for (int i = 0; i < runnable.size(); i++) {
      CellResult c = coldResults.get(i);
      CellResult s = snapResults.get(i);
      System.out.printf(
          "%-16s %-16s %-9s %5.1fs / %5.1fs  %s%n",
          c.verdict(),
          s.verdict(),
          s.start().mode().id(),
          c.total().toMillis() / 1000.0,
          s.total().toMillis() / 1000.0,
          runnable.get(i).displayName());
      assertFalse(c.start().restored(), "cold means booted: " + c.start());
      assertTrue(
          s.start().restored(),
          runnable.get(i).displayName() + " was not restored: " + s.start().reason());
      assertTrue(REAL_OUTCOMES.contains(c.verdict()), c.message());
      assertTrue(REAL_OUTCOMES.contains(s.verdict()), s.message());
      if (c.verdict() != s.verdict()
          || !c.expected()
              .map(ExpectedOutcome::describe)
              .equals(s.expected().map(ExpectedOutcome::describe))) {
        differences.add(
            runnable.get(i).displayName()
                + ": cold "
                + c.verdict()
                + ", snapshot "
                + s.verdict()
                + "\n  cold: "
                + c.message()
                + "\n  snapshot: "
                + s.message());
      }
    }
    assertEquals(List.of(), differences, String.join("\n", differences));
  }

  /**
   * What a restore depends on, of a cell: the QEMU build, the architecture and machine type, the
   * devices (the pvpanic device with its events= property, and the trigger's own, e.g. i6300esb),
   * and whether the guest reserves crash kernel memory.
   */
  static String keyKind(PlannedCell p) {
    return String.join(
        "|",
        p.qemu().label(),
        p.recipe().arch().id(),
        p.cell().machineType().orElse("default"),
        p.cell().get(dev.pvpanic.harness.matrix.Axis.DEVICE),
        String.valueOf(p.cell().events()),
        String.join(" ", p.cell().trigger().qemuArgs()),
        p.cell().kdump() ? "kdump" : "no-kdump");
  }

  /**
   * The matrix run's results for {@code cells}, once the whole run has ended; when that run boots
   * every guest (pvh.cold), the cells are run here from their snapshots instead.
   */
  private static List<CellResult> restored(
      HarnessSession session, List<PlannedCell> cells, MatrixRunner.Listener log) {
    HarnessContext matrix = HarnessContext.get();
    if (matrix.cold()) {
      MatrixRun planned =
          session.matrix(
              session.loadConfig(session.settings().config()),
              Shard.configured(session.settings()),
              Optional.of(session.settings().buildDir().resolve("snapshot-it").resolve("snapshot")),
              OptionalInt.empty(),
              false);
      MatrixRun own =
          new MatrixRun(
              planned.config(), cells, planned.parallelism(), planned.artifactsRoot(), false);
      return MatrixRunner.run(session, own, session.cellOptions(), log).stream()
          .map(MatrixRunner.Outcome::result)
          .toList();
    }
    matrix.cells().forEach(matrix::outcome);
    return cells.stream().map(c -> matrix.outcome(c).result()).toList();
  }

  /**
   * The runnable cells that can be restored, one of each kind of snapshot key: the last of its kind
   * in the run's order (longest first), so the one expected to take least time; kept in run order.
   */
  private static MatrixRun onePerSnapshotKey(HarnessSession session, MatrixRun run) {
    Set<String> keys = new java.util.HashSet<>();
    List<PlannedCell> kept = new ArrayList<>();
    List<PlannedCell> shortestFirst = new ArrayList<>(run.cells());
    java.util.Collections.reverse(shortestFirst);
    for (PlannedCell p : shortestFirst) {
      if (p.skipReason().isPresent()) {
        // a cell this machine cannot run: a failure when pvh.require says it can
        Prerequisite.of(p.lacks()).ifPresent(x -> x.missing(p.skipReason().get()));
        continue;
      }
      GuestImage image = session.images().image(p.recipe().imageName());
      MachineSpec spec =
          CellMachine.snapshotSpec(p.cell(), image, p.qemu(), session.cellOptions().accelerator());
      if (CellStarter.cannotRestore(spec).isEmpty() && keys.add(keyKind(p))) {
        kept.add(p);
      }
    }
    java.util.Collections.reverse(kept);
    return new MatrixRun(run.config(), kept, run.parallelism(), run.artifactsRoot(), run.cold());
  }
}
