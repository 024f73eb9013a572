package dev.pvpanic.harness.scenario;

import dev.pvpanic.harness.machine.MachineArtifacts;

/**
 * The names of the files a cell leaves in its artifacts folder, in one place: what the cell runner
 * writes, the report links and the test reports attach. The machine's own files (argv, QEMU's
 * output, the console and QMP transcripts) are named by {@link MachineArtifacts}.
 */
public final class CellArtifacts {
  private CellArtifacts() {}

  /** The cell's record: {@link CellRecord}. */
  public static final String CELL_JSON = "cell.json";

  public static final String EXPECTED = "expected.txt";
  public static final String ACTUAL = "actual.txt";
  public static final String DIFF = "diff.txt";
  public static final String KERNEL_CMDLINE = "kernel-cmdline.txt";
  public static final String IMAGE_MANIFEST = "image-manifest.json";
  public static final String SNAPSHOT = "snapshot.json";
  public static final String SNAPSHOT_CONSOLE = "snapshot-console.log";
  public static final String QEMU_ARGV = MachineArtifacts.ARGV;
  public static final String QEMU_STDERR = MachineArtifacts.STDERR;
  public static final String CONSOLE = MachineArtifacts.CONSOLE;
  public static final String QMP = MachineArtifacts.QMP;
}
