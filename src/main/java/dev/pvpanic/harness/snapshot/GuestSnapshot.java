package dev.pvpanic.harness.snapshot;

import dev.pvpanic.harness.guest.GuestProtocol;
import java.nio.file.Path;

/**
 * A guest saved at its shell prompt, ready to be restored by every cell of its {@link SnapshotKey}.
 *
 * @param key the hash of the key it was saved under
 * @param dir its folder in the content store's derived area
 * @param state the QEMU migration stream
 * @param ready the READY line the guest printed while the snapshot was made: after a restore the
 *     guest does not print it again, and the oracle needs its facts
 * @param captureLoaded the guest loaded its capture kernel before it was saved (the key's {@code
 *     armed} command exited 0 and {@code kexec_crash_loaded} read 1); false when the key asks for
 *     none or the load failed, and then each cell runs it, and sees it fail, itself
 */
public record GuestSnapshot(
    String key, Path dir, Path state, GuestProtocol.ReadyLine ready, boolean captureLoaded) {
  /** The file that says what a snapshot holds and how it was made. */
  static final String DESCRIPTION = "snapshot.json";

  /** The console of the boot a snapshot was taken from. */
  static final String BOOT_CONSOLE = "console.log";

  /** The console of the boot the snapshot was taken from. */
  public Path bootConsole() {
    return dir.resolve(BOOT_CONSOLE);
  }

  /** What the snapshot holds and how it was made ({@code snapshot.json}). */
  public Path description() {
    return dir.resolve(DESCRIPTION);
  }

  public String shortKey() {
    return key.substring(0, 12);
  }
}
