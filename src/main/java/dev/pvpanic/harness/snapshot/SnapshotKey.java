package dev.pvpanic.harness.snapshot;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.machine.MachineSpec;
import dev.pvpanic.harness.machine.QemuActions;
import dev.pvpanic.harness.machine.QemuCommandLine;
import dev.pvpanic.harness.machine.QemuFingerprint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that must match between the QEMU that saved a guest's state and the QEMU that restores
 * it, and so decides which cells share a snapshot.
 *
 * <p>The machine part is QEMU's own command line, made from the cell's {@link MachineSpec} with the
 * run-specific parts neutralised (socket paths, the snapshot file) and the {@code -action} settings
 * left out: those are options of the restoring QEMU, not part of the migrated state, so cells that
 * differ only there share one snapshot. Taking the command line rather than a list of fields means
 * any option added to the spec later changes the key without anyone remembering to add it here. The
 * kernel and initrd paths are replaced by the image's content hash; the QEMU binary is named by its
 * version and its own SHA-256 ({@link QemuFingerprint}).
 *
 * @param inputs {@code name=value} lines, in a fixed order; the key is their hash
 */
public record SnapshotKey(List<String> inputs) {
  /** Bump when what a snapshot folder holds, or how it is made, changes. */
  public static final String LAYOUT = "pvh-snapshot-2"; // 2: saved after the console went quiet

  private static final Path QMP_PLACEHOLDER = Path.of("qmp.sock");
  private static final Path CONSOLE_PLACEHOLDER = Path.of("console.sock");

  public SnapshotKey {
    inputs = List.copyOf(inputs);
  }

  /**
   * @param used the accelerator that will really run the guest (TCG state does not load under KVM)
   * @param imageId the guest image's content hash: its kernel and initrd
   */
  public static SnapshotKey of(
      MachineSpec spec, Accelerator used, String imageId, QemuFingerprint qemu) {
    return of(spec, used, imageId, qemu, java.util.Optional.empty());
  }

  /**
   * @param armed the command the guest runs at its prompt before it is saved (the minimal guest's
   *     {@code kexec -p} of a kdump cell): part of the state, so part of the key
   */
  public static SnapshotKey of(
      MachineSpec spec,
      Accelerator used,
      String imageId,
      QemuFingerprint qemu,
      java.util.Optional<String> armed) {
    MachineSpec neutral =
        spec.toBuilder()
            .name("snapshot")
            .actions(QemuActions.DEFAULT)
            .artifactsDir(null)
            .incoming(null)
            .build();
    List<String> argv =
        new ArrayList<>(QemuCommandLine.argv(neutral, QMP_PLACEHOLDER, CONSOLE_PLACEHOLDER, used));
    replaceValue(argv, "-kernel", "image:" + imageId + ":kernel");
    replaceValue(argv, "-initrd", "image:" + imageId + ":initrd");
    List<String> lines = new ArrayList<>();
    lines.add("layout=" + LAYOUT);
    lines.add("qemu.version=" + qemu.version());
    lines.add("qemu.sha256=" + qemu.binarySha256());
    lines.add("qemu.env=" + new TreeMap<>(spec.qemu().env()));
    lines.add("image=" + imageId);
    lines.add("argv=" + QemuCommandLine.toShell(argv));
    armed.ifPresent(a -> lines.add("armed=" + a));
    return new SnapshotKey(lines);
  }

  private static void replaceValue(List<String> argv, String flag, String value) {
    int i = argv.indexOf(flag);
    if (i >= 0 && i + 1 < argv.size()) {
      argv.set(i + 1, value);
    }
  }

  /** The SHA-256 of the inputs: equal keys, equal hashes; any changed input, another hash. */
  public String hash() {
    return Sha256.of(String.join("\n", inputs));
  }

  /** The first 12 hex digits of the hash, for people. */
  public String shortHash() {
    return hash().substring(0, 12);
  }

  /** The inputs as a map, for snapshot.json. */
  public Map<String, String> asMap() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String line : inputs) {
      int eq = line.indexOf('=');
      m.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return m;
  }

  @Override
  public String toString() {
    return "snapshot " + shortHash();
  }
}
