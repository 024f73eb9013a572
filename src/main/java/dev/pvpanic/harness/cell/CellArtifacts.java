package dev.pvpanic.harness.cell;

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

  /**
   * {@code after: dump}: the dump check's report, with each file's SHA-256 and how to reopen it.
   */
  public static final String DUMP_REPORT = "dump.txt";

  /** {@code after: dump}: every vCPU's registers ({@code info registers -a}). */
  public static final String REGISTERS = "registers.txt";

  /** {@code after: dump}: the ELF dump, checked and then removed (as large as the guest's RAM). */
  public static final String MEMORY_ELF = "guest-memory.elf";

  /** {@code after: dump}: the kdump-compressed dump, kept for {@code crash}. */
  public static final String MEMORY_KDUMP = "guest-memory.kdump";

  /** {@code after: dump}: {@code sha256sum -c} lines for the dump files kept in the folder. */
  public static final String DUMP_SUMS = "dump.sha256";
}
