package dev.pvpanic.harness.faults;

import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.Verdict;
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
      return jvmKilled(session, index, p, delay, artifacts, configFile, start);
    }
    String recipe = p.recipe().name();
    Damage damage;
    try {
      damage = damage(session, p, fault, artifacts);
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
    String detail = damage.detail();
    boolean delivered = damage.delivered();
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

  private static Strike jvmKilled(
      HarnessSession session,
      int index,
      PlannedCell p,
      Duration delay,
      Path artifacts,
      Path configFile,
      Instant start) {
    JvmKillFault.Outcome o =
        JvmKillFault.strike(session.settings(), p, configFile, delay, artifacts);
    return new Strike(
        index,
        p.cell().displayName(),
        Fault.JVM_SIGKILL,
        delay,
        o.delivered(),
        o.verdict(),
        Duration.between(start, Instant.now()),
        o.verdict() == Verdict.PASS && o.leaks().isEmpty(),
        o.leaks(),
        artifacts,
        o.detail());
  }

  /** What a fault on the cache did, and whether there was anything to damage. */
  private record Damage(String detail, boolean delivered) {}

  private static Damage damage(HarnessSession session, PlannedCell p, Fault fault, Path artifacts) {
    String recipe = p.recipe().name();
    return switch (fault) {
      case SNAPSHOT_CORRUPT, SNAPSHOT_TRUNCATED -> {
        Optional<Path> folder = CacheFaults.snapshotOf(session, p);
        if (folder.isEmpty()) {
          yield new Damage("no snapshot to damage", false);
        }
        Path state = folder.get().resolve(SnapshotStore.STATE);
        yield new Damage(
            fault == Fault.SNAPSHOT_CORRUPT
                ? CacheFaults.corruptSnapshot(folder.get())
                : CacheFaults.truncate(state),
            true);
      }
      case IMAGE_DAMAGED ->
          new Damage(CacheFaults.truncate(session.images().image(recipe).initrd()), true);
      case DOWNLOAD_TRUNCATED ->
          new Damage(
              CacheFaults.truncatedDownload(session, p, artifacts.resolve("download")), true);
      default -> throw new IllegalArgumentException(fault + " strikes a running QEMU");
    };
  }
}
