package dev.pvpanic.harness.bench;

import dev.pvpanic.harness.run.MatrixRunner;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's first phase: one snapshot per key, made or found in the cache, before any pass.
 *
 * @param wall from the first key's start to the last key's end
 */
record SnapshotPreparation(List<MatrixRunner.Prepared> prepared, Duration wall) {
  SnapshotPreparation {
    prepared = List.copyOf(prepared);
  }

  /** How many snapshots were made (the others were found in the cache, or are unusable). */
  long made() {
    return prepared.stream().filter(SnapshotPreparation::wasMade).count();
  }

  /** The keys for which no snapshot could be made, with the reason: those cells boot cold. */
  List<String> unusable() {
    return prepared.stream()
        .filter(p -> p.lookup() instanceof SnapshotStore.Unusable)
        .map(
            p ->
                "no snapshot for "
                    + p.firstJob().planned().displayName()
                    + ": "
                    + ((SnapshotStore.Unusable) p.lookup()).reason())
        .toList();
  }

  /** The report's {@code snapshots} member. */
  Map<String, Object> report() {
    Map<String, Object> snaps = new LinkedHashMap<>();
    snaps.put("keys", prepared.size());
    snaps.put("made", made());
    snaps.put("foundInCache", prepared.size() - made());
    snaps.put("wallSeconds", BenchmarkSummary.seconds(wall));
    snaps.put(
        "perKeySeconds",
        prepared.stream()
            .map(
                p ->
                    Map.of(
                        "key", p.key().shortHash(),
                        "firstCell", p.firstJob().planned().displayName(),
                        "seconds", BenchmarkSummary.seconds(p.took()),
                        "made", wasMade(p)))
            .toList());
    return snaps;
  }

  private static boolean wasMade(MatrixRunner.Prepared p) {
    return p.lookup() instanceof SnapshotStore.Restorable r && r.made();
  }
}
