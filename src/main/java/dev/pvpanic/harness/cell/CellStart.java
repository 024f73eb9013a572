package dev.pvpanic.harness.cell;

import java.util.Locale;
import java.util.Optional;

/**
 * How a cell's guest reached its shell: restored from a snapshot, or booted.
 *
 * @param snapshotKey the hash of the snapshot's key, when it was restored
 * @param reason why it booted cold when snapshots were wanted (or that cold boots were asked for)
 */
public record CellStart(Mode mode, Optional<String> snapshotKey, Optional<String> reason) {

  /** Restored from a snapshot, or booted from the kernel. */
  public enum Mode {
    SNAPSHOT,
    COLD;

    /** The value in cell.json: {@code snapshot} or {@code cold}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static CellStart snapshot(String key) {
    return new CellStart(Mode.SNAPSHOT, Optional.of(key), Optional.empty());
  }

  public static CellStart cold(String reason) {
    return new CellStart(Mode.COLD, Optional.empty(), Optional.of(reason));
  }

  public boolean restored() {
    return mode == Mode.SNAPSHOT;
  }
}
