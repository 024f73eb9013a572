package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.machine.AcceleratorSelector;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.LocalProcessBackend;
import dev.pvpanic.harness.machine.MachineException;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.qmp.EventLog;
import dev.pvpanic.harness.qmp.QemuVersion;
import dev.pvpanic.harness.qmp.QmpEvent;
import dev.pvpanic.harness.snapshot.GuestSnapshot;
import dev.pvpanic.harness.snapshot.SnapshotKey;
import dev.pvpanic.harness.snapshot.SnapshotMaker;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a cell's machine: restored from the snapshot of its guest when one can be had (made now if
 * this is the first cell of its key), else booted cold, and the cell says which and why. Whatever
 * fails on the way, no QEMU it started outlives the attempt.
 */
public final class CellStarter {
  /** Bound for loading a snapshot and for the guest to run again after it. */
  private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(CellStarter.class);
  private final CellOptions options;
  private final SnapshotStore snapshots;

  CellStarter(CellOptions options, SnapshotStore snapshots) {
    this.options = options;
    this.snapshots = snapshots;
  }

  /**
   * A cell's machine, up: how it started, the log index of the cell's first event (after a
   * restore's RESUME, else 0), the READY line a restored guest printed when its snapshot was made,
   * and whether that guest loaded its capture kernel before it was saved.
   */
  record Started(
      QemuMachine machine,
      CellStart how,
      int eventsFrom,
      Optional<GuestProtocol.ReadyLine> restoredReady,
      boolean captureLoaded) {}

  /** QEMU did not start; {@code how} says whether a snapshot was tried first and why not. */
  static final class StartFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final transient CellStart how;

    StartFailed(CellStart how, RuntimeException cause) {
      super(cause.getMessage(), cause);
      this.how = how;
    }
  }

  /**
   * The machine of {@code cell}: restored, or launched cold.
   *
   * @throws StartFailed when QEMU does not start
   */
  Started start(Cell cell, GuestImage image, Path artifacts, MachineSpec spec, Phases phases)
      throws StartFailed {
    Chosen chosen = snapshotFor(cell, image, spec, phases);
    phases.mark("prepare");
    LOG.debug(
        "{}: {}",
        cell.displayName(),
        chosen
            .snapshot()
            .map(s -> "restoring snapshot " + s.shortKey())
            .orElse("booting cold: " + chosen.cold().reason().orElse("")));
    CellStart cold = chosen.cold();
    if (chosen.snapshot().isPresent()) {
      Restore restored = restore(cell, artifacts, spec, chosen.snapshot().get(), phases);
      if (restored.started().isPresent()) {
        return restored.started().get();
      }
      cold = restored.fallback();
    }
    progress(cell, "starting QEMU");
    try {
      QemuMachine machine = QemuMachine.launch(spec);
      phases.mark("start");
      return new Started(machine, cold, 0, Optional.empty(), false);
    } catch (MachineException | IllegalArgumentException e) {
      throw new StartFailed(cold, e);
    }
  }

  /** The snapshot to restore, or why the cell boots cold. */
  private record Chosen(Optional<GuestSnapshot> snapshot, CellStart cold) {
    static Chosen cold(String reason) {
      return new Chosen(Optional.empty(), CellStart.cold(reason));
    }
  }

  /** A restored machine, or why the cell boots cold after trying. */
  private record Restore(Optional<Started> started, CellStart fallback) {}

  /**
   * Finds or makes the snapshot a cell would restore, without running the cell: to make snapshots
   * ahead of a run, several at once.
   */
  SnapshotStore.Lookup prepareSnapshot(Cell cell, GuestImage image, QemuBuild qemu) {
    MachineSpec spec =
        CellMachine.machineSpec(
            cell, image, qemu, options.accelerator(), CellMachine.kernelCmdline(cell, image), null);
    Optional<String> cannot = cannotRestore(spec);
    if (cannot.isPresent()) {
      return new SnapshotStore.Unusable(cannot.get());
    }
    try {
      return findOrMakeSnapshot(cell, image, spec);
    } catch (MachineException e) {
      return new SnapshotStore.Unusable("no snapshot key: " + e.getMessage());
    }
  }

  private SnapshotStore.Lookup findOrMakeSnapshot(Cell cell, GuestImage image, MachineSpec spec) {
    SnapshotKey key = CellMachine.snapshotKey(cell, spec, image);
    Optional<String> arming = CellMachine.snapshotArming(cell, image, spec.append().orElse(""));
    return snapshots.findOrMake(
        key,
        folder -> {
          progress(
              cell,
              "booting once to save "
                  + key
                  + (arming.isPresent() ? " with the capture kernel loaded" : ""));
          SnapshotMaker.make(
              spec,
              AcceleratorSelector.decide(spec),
              key,
              folder,
              options.bootTimeout(),
              arming,
              options.armTimeout());
        });
  }

  /**
   * The snapshot this cell restores, made now if this is the first cell of its key; or why the cell
   * boots cold.
   */
  private Chosen snapshotFor(Cell cell, GuestImage image, MachineSpec spec, Phases phases) {
    if (options.cold()) {
      return Chosen.cold("cold boots asked for (-Dpvh.cold=true / --cold)");
    }
    Optional<String> cannot = cannotRestore(spec);
    if (cannot.isPresent()) {
      return Chosen.cold(cannot.get());
    }
    if (!options.hooks().extraQemuArgs().isEmpty()) {
      return Chosen.cold("the caller adds QEMU arguments (e.g. --keep's own monitor)");
    }
    SnapshotStore.Lookup found;
    try {
      found = findOrMakeSnapshot(cell, image, spec);
    } catch (MachineException e) {
      found = new SnapshotStore.Unusable("no snapshot key: " + e.getMessage());
    }
    if (found instanceof SnapshotStore.Restorable r) {
      if (r.made() || r.waited()) {
        phases.mark("snapshot");
      }
      return new Chosen(Optional.of(r.snapshot()), CellStart.cold("snapshots were not tried"));
    }
    String reason = ((SnapshotStore.Unusable) found).reason();
    progress(cell, "booting cold: " + reason);
    return Chosen.cold(reason);
  }

  /**
   * How long a failed restore waits for QEMU's exit status, to tell a kill from outside from a
   * snapshot QEMU could not load.
   */
  private static final Duration KILLED_GRACE = Duration.ofMillis(500);

  /**
   * Starts QEMU from the snapshot and lets the guest run again. When that fails the snapshot is
   * dropped for this run (unless QEMU was killed from outside) and the cell boots cold, saying why.
   */
  private Restore restore(
      Cell cell, Path artifacts, MachineSpec spec, GuestSnapshot snapshot, Phases phases) {
    progress(cell, "restoring snapshot " + snapshot.shortKey());
    QemuMachine machine = null;
    try {
      copySnapshotFacts(snapshot, artifacts);
      machine = QemuMachine.launch(spec.toBuilder().incoming(snapshot.state()).build());
      phases.mark("start");
      options.hooks().restoring(machine);
      String status = machine.awaitIncoming(RESTORE_TIMEOUT);
      EventLog log = machine.qmp().events();
      if (!status.equals("running")) {
        machine.qmp().execute("cont");
      }
      // Only events after the guest runs again are the cell's: the restore's RESUME is not.
      QmpEvent resumed = log.await("RESUME", 0, RESTORE_TIMEOUT);
      // The guest was saved idle at its prompt; a newline gets a fresh one.
      machine.console().send("");
      phases.mark("restore");
      return new Restore(
          Optional.of(
              new Started(
                  machine,
                  CellStart.snapshot(snapshot.key()),
                  (int) resumed.index() + 1,
                  Optional.of(snapshot.ready()),
                  snapshot.captureLoaded())),
          CellStart.snapshot(snapshot.key()));
    } catch (RuntimeException | IOException e) {
      // A QEMU killed from outside while it loaded (the OOM killer, an operator) says nothing
      // about the snapshot: it is kept for the next cell. Asked before close() kills it itself.
      Optional<QemuDeath> killed =
          machine == null
              ? Optional.empty()
              : machine.awaitExit(KILLED_GRACE).flatMap(QemuDeath::of).filter(d -> !d.crashed());
      // whatever went wrong, this QEMU must not outlive the attempt
      if (machine != null) {
        machine.close();
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (killed.isPresent()) {
        why =
            "QEMU was killed by signal "
                + killed.get().signal()
                + " ("
                + killed.get().name()
                + ") from outside while it loaded the snapshot, which is kept ("
                + why
                + ")";
      } else {
        snapshots.markUnusable(snapshot, why);
      }
      CellStart fallback =
          CellStart.cold("restoring snapshot " + snapshot.shortKey() + " failed: " + why);
      progress(cell, "booting cold: " + fallback.reason().orElse(""));
      phases.mark("fallback");
      return new Restore(Optional.empty(), fallback);
    }
  }

  /** The snapshot's description and boot console go with the cell, for people reproducing it. */
  private static void copySnapshotFacts(GuestSnapshot snapshot, Path artifacts) throws IOException {
    Files.copy(
        snapshot.description(),
        artifacts.resolve(CellArtifacts.SNAPSHOT),
        StandardCopyOption.REPLACE_EXISTING);
    if (Files.exists(snapshot.bootConsole())) {
      Files.copy(
          snapshot.bootConsole(),
          artifacts.resolve(CellArtifacts.SNAPSHOT_CONSOLE),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Why this machine can never be restored, known before any guest boots to try: QEMU in a
   * container cannot read a state file saved on the host, and a riscv64 guest on QEMU before 10.2
   * loses its timer on restore.
   */
  public static Optional<String> cannotRestore(MachineSpec spec) {
    if (spec.disk().isPresent()) {
      // the saved state holds the guest's memory, not its disk overlay: a restored system would
      // see page cache of writes its disk never got
      return Optional.of(
          "the debian userland's disk overlay is not part of a saved state: it boots from its"
              + " disk each time");
    }
    Optional<String> timer =
        riscvTimerLostOnRestore(spec.arch(), QemuVersionProbe.version(spec.qemu()));
    if (timer.isPresent()) {
      return timer;
    }
    if (spec.qemu().backend() instanceof LocalProcessBackend) {
      return Optional.empty();
    }
    return Optional.of(
        "QEMU runs through "
            + spec.qemu().backend().describe()
            + ": it cannot read a state file saved on the host");
  }

  /**
   * Until QEMU 10.2 the riscv CPU's migration state lacks the Sstc timers (target/riscv/machine.c:
   * commit b0daaa172a1c "target/riscv: Save stimer and vstimer in CPU vmstate", not backported):
   * "active S/VS-mode timer events are lost after snapshot or migration", and a guest waiting for
   * one never wakes (seen: a silent guest after restore on Debian's 10.0.2; 7.2 and 11.1 restored
   * fine here). Such a guest boots cold. An unknown version counts as too old.
   */
  public static Optional<String> riscvTimerLostOnRestore(
      Architecture arch, Optional<QemuVersion> version) {
    if (arch != Architecture.RISCV64 || version.map(v -> v.atLeast(10, 2)).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(
        "riscv64 on QEMU "
            + version.map(QemuVersion::toString).orElse("of unknown version")
            + " < 10.2: a restored guest may lose its armed S-mode timer and hang (fixed by QEMU"
            + " commit b0daaa172a1c)");
  }

  private void progress(Cell cell, String what) {
    options.progress().accept(cell.displayName() + ": " + what);
  }
}
