package dev.pvpanic.harness.faults;

import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.faults.FaultCampaign.Fault;
import dev.pvpanic.harness.faults.FaultCampaign.Strike;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One campaign cell under a fault that does not strike a running QEMU: the cache damaged before the
 * cell ({@link CacheFaults}), or the harness JVM killed mid-cell and the cell run again ({@link
 * JvmKillFault}). What is right: the damage is found and repaired and the cell passes (a damaged
 * snapshot makes the cell boot cold and say why; a damaged image is built again; a cut download is
 * fetched again), or, for the killed JVM, the second run passes and nothing of the first remains.
 */
final class AtRestFaults {
  private AtRestFaults() {}

  static Strike one(
      HarnessSession session,
      CellOptions base,
      int index,
      PlannedCell p,
      Fault fault,
      Duration delay,
      Path out,
      Path configFile) {
    Path artifacts = out.resolve(String.format("%04d-%s", index, p.cell().id()));
    Instant start = Instant.now();
    if (fault == Fault.JVM_SIGKILL) {
      JvmKillFault.Outcome o =
          JvmKillFault.strike(session.settings(), p, configFile, delay, artifacts);
      return new Strike(
          index,
          p.cell().displayName(),
          fault,
          delay,
          o.delivered(),
          o.verdict(),
          Duration.between(start, Instant.now()),
          o.verdict() == Verdict.PASS && o.leaks().isEmpty(),
          o.leaks(),
          artifacts,
          o.detail());
    }
    String recipe = p.recipe().name();
    String detail;
    boolean delivered = true;
    try {
      detail =
          switch (fault) {
            case SNAPSHOT_CORRUPT, SNAPSHOT_TRUNCATED -> {
              Optional<Path> folder = CacheFaults.snapshotOf(session, p);
              if (folder.isEmpty()) {
                delivered = false;
                yield "no snapshot to damage";
              }
              Path state = folder.get().resolve(SnapshotStore.STATE);
              yield fault == Fault.SNAPSHOT_CORRUPT
                  ? CacheFaults.corruptSnapshot(folder.get())
                  : CacheFaults.truncate(state);
            }
            case IMAGE_DAMAGED -> CacheFaults.truncate(session.images().image(recipe).initrd());
            case DOWNLOAD_TRUNCATED ->
                CacheFaults.truncatedDownload(session, p, artifacts.resolve("download"));
            default -> throw new IllegalArgumentException(fault + " strikes a running QEMU");
          };
    } catch (RuntimeException e) {
      // the harness could not repair what the fault did: that is a wrong answer, say what
      return new Strike(
          index,
          p.cell().displayName(),
          fault,
          delay,
          true,
          Verdict.INFRASTRUCTURE_ERROR,
          Duration.between(start, Instant.now()),
          false,
          List.of(),
          artifacts,
          "not repaired: " + e.getMessage());
    }
    GuestImage image = session.images().image(recipe);
    CellResult r = session.runner(base).run(p.cell(), image, p.qemu(), artifacts);
    List<String> problems = new ArrayList<>();
    if (delivered && (fault == Fault.SNAPSHOT_CORRUPT || fault == Fault.SNAPSHOT_TRUNCATED)) {
      String why = r.start().reason().orElse("");
      if (!why.contains("damaged")) {
        problems.add("the cell did not say its snapshot was damaged (start: " + r.start() + ")");
      }
    }
    ImageBuilder.damage(image.manifest().getParent())
        .ifPresent(d -> problems.add("the image is still damaged: " + d));
    boolean right = r.verdict() == Verdict.PASS && problems.isEmpty();
    return new Strike(
        index,
        p.cell().displayName(),
        fault,
        delay,
        delivered,
        r.verdict(),
        Duration.between(start, Instant.now()),
        right,
        List.of(),
        artifacts,
        detail + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)));
  }
}
