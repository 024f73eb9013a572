package dev.pvpanic.harness.cell;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.elf.ElfCore;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.Oracle;
import dev.pvpanic.harness.oracle.Trigger;
import dev.pvpanic.harness.qmp.QmpException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * After a passing cell whose QEMU stayed up ({@code after: dump}): what an operator collects from a
 * paused, panicked guest. Every vCPU's registers ({@code info registers -a}), the guest's memory
 * with {@code dump-guest-memory} in ELF (checked, then removed: it is as large as the guest's RAM)
 * and kdump-compressed format (kept, for {@code crash}). The ELF dump is checked against declared
 * inputs: an ELF core of the cell's architecture with a note per vCPU, holding the banner and the
 * VMCOREINFO text of the kernel release the image manifest names, and the trigger's panic message.
 */
final class PanicDump implements AfterAction {
  static final String REPORT = CellArtifacts.DUMP_REPORT;
  static final String REGISTERS = CellArtifacts.REGISTERS;
  static final String ELF = CellArtifacts.MEMORY_ELF;
  static final String KDUMP = CellArtifacts.MEMORY_KDUMP;
  private static final Duration DUMP_TIMEOUT = Duration.ofMinutes(3);

  @Override
  public String id() {
    return "dump";
  }

  @Override
  public String doing() {
    return "dump: registers, dump-guest-memory (elf, kdump-zlib)";
  }

  /** Needs QEMU up after the panic: refused when the rules say it exits. */
  @Override
  public CellResult run(After a) {
    if (dev.pvpanic.harness.oracle.Recovery.impossible(a.expected().finalState()).isPresent()) {
      return a.run()
          .finish(
              Verdict.NOT_APPLICABLE,
              "after: dump needs QEMU up after the panic, but the rules say it exits; use panic:"
                  + " pause or none",
              a.phases(),
              a.start());
    }
    return dump(a.run(), a.machine(), a.passed(), a.options().hooks(), a.phases(), a.start());
  }

  static CellResult dump(
      CellRun run,
      QemuMachine machine,
      CellResult passed,
      MachineHooks hooks,
      Phases phases,
      Instant start) {
    Path elf = run.artifacts.resolve(ELF);
    Path kdump = run.artifacts.resolve(KDUMP);
    StringBuilder report = new StringBuilder();
    Map<Path, String> hashes = new java.util.HashMap<>();
    List<String> problems;
    try {
      JsonNode regs =
          machine
              .qmp()
              .execute("human-monitor-command", Map.of("command-line", "info registers -a"));
      run.write(REGISTERS, regs.asText());
      dumpTo(machine, elf, "elf");
      dumpTo(machine, kdump, "kdump-zlib");
      hooks.dumped(elf);
      problems =
          check(
              elf,
              run.image.arch(),
              run.image.kernelRelease(),
              run.cell.setup(run.image.arch()),
              report);
      report
          .append("\nfiles:\n")
          .append(line(elf, hashes))
          .append(line(kdump, hashes))
          .append(line(run.artifacts.resolve(REGISTERS), hashes))
          .append(reopen(run.image.kernelRelease()));
    } catch (QmpException | IOException e) {
      problems = List.of("the dump could not be taken: " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(elf); // checked and its SHA-256 recorded; as large as the guest's RAM
      } catch (IOException e) {
        // a leftover file in the cell's own folder
      }
    }
    run.write(REPORT, report.toString());
    run.write(CellArtifacts.DUMP_SUMS, sums(run.artifacts, List.of(KDUMP, REGISTERS), hashes));
    phases.mark("dump");
    if (!problems.isEmpty()) {
      return run.finish(
          Verdict.WRONG_GUEST_STATE,
          "the panic went as the rules say, but the guest's memory dump is not that guest's:\n  "
              + String.join("\n  ", problems)
              + "\n"
              + report
              + "\nthe panic:\n"
              + passed.message(),
          phases,
          start);
    }
    return run.finish(
        Verdict.PASS,
        passed.message() + "\nmemory dump (dump-guest-memory):\n" + report,
        phases,
        start);
  }

  private static void dumpTo(QemuMachine machine, Path file, String format) throws IOException {
    machine.dumpGuestMemory(file, format, DUMP_TIMEOUT);
  }

  /**
   * What is wrong with the ELF dump {@code elf} of a guest of {@code arch} running {@code release}
   * that {@code trigger} panicked; each check also goes to {@code report} ({@code =} held, {@code
   * !} did not).
   */
  static List<String> check(
      Path elf, Architecture arch, String release, Trigger trigger, StringBuilder report)
      throws IOException {
    CellSetup setup = CellSetup.panic(arch, PvpanicDevice.Kind.PCI).withTrigger(trigger);
    return check(elf, arch, release, setup, report);
  }

  /** The same for the cell whose setup is {@code setup}. */
  static List<String> check(
      Path elf, Architecture arch, String release, CellSetup setup, StringBuilder report)
      throws IOException {
    List<String> problems = new ArrayList<>();
    ElfCore core = ElfCore.read(elf);
    problems.addAll(core.problems());
    int wanted = arch.elfMachine();
    if (core.problems().isEmpty() && core.machine() != wanted) {
      problems.add("ELF machine " + core.machine() + ", not " + arch.id() + " (" + wanted + ")");
    }
    int cpus = core.notes().getOrDefault("CORE/1", 0);
    if (core.problems().isEmpty() && cpus == 0) {
      problems.add("no NT_PRSTATUS note: no vCPU state in the dump");
    }
    report
        .append(core.problems().isEmpty() ? "= " : "! ")
        .append("ELF core: ")
        .append(core.fileSize())
        .append(" bytes, ")
        .append(core.memoryBytes())
        .append(" bytes of memory, machine ")
        .append(core.machine())
        .append(", ")
        .append(cpus)
        .append(" vCPU note(s)\n");
    if (!core.problems().isEmpty()) {
      return problems;
    }
    List<String[]> wantedText = new ArrayList<>();
    wantedText.add(new String[] {"the kernel's banner", "Linux version " + release + " "});
    wantedText.add(new String[] {"its VMCOREINFO", "OSRELEASE=" + release + "\n"});
    Oracle.panicMessage(setup)
        .ifPresent(panic -> wantedText.add(new String[] {"the panic message", panic}));
    for (String[] w : wantedText) {
      boolean found = core.memoryContains(w[1].getBytes(StandardCharsets.UTF_8));
      report
          .append(found ? "= " : "! ")
          .append(w[0])
          .append(": '")
          .append(w[1].strip())
          .append("' ")
          .append(found ? "in memory" : "not in memory")
          .append('\n');
      if (!found) {
        problems.add(w[0] + " '" + w[1].strip() + "' is not in the dumped memory");
      }
    }
    return problems;
  }

  private static String line(Path file, Map<Path, String> hashes) {
    if (!Files.exists(file)) {
      return "  " + file.getFileName() + ": (removed after the check)\n";
    }
    try {
      return "  "
          + file.getFileName()
          + "  "
          + Files.size(file)
          + " bytes  sha256 "
          + hash(file, hashes)
          + "\n";
    } catch (IOException e) {
      return "  " + file.getFileName() + ": " + e.getMessage() + "\n";
    }
  }

  private static String hash(Path file, Map<Path, String> hashes) throws IOException {
    String known = hashes.get(file);
    if (known == null) {
      known = Sha256.of(file);
      hashes.put(file, known);
    }
    return known;
  }

  /**
   * How to check and reopen the kept dump: its checksums, and {@code crash} with the kernel's debug
   * vmlinux (Debian ships it as {@code linux-image-<release>-dbg}, in /usr/lib/debug/boot), with
   * the crash version that opens it ({@link #crashFor}).
   */
  static String reopen(String release) {
    return "\nverify: sha256sum -c "
        + CellArtifacts.DUMP_SUMS
        + "\nreopen: crash /usr/lib/debug/boot/vmlinux-"
        + release
        + " "
        + KDUMP
        + "   # vmlinux from Debian's linux-image-"
        + release
        + "-dbg; "
        + crashFor(release)
        + "\n";
  }

  /**
   * Which crash opens a dump of {@code release}: Linux 6.4 replaced struct module's module_layout
   * with module_memory (commit ac3b43283923), which crash reads from 8.0.3 on; bookworm's crash
   * 8.0.2 stops on a 6.12 kdump with "invalid structure member offset: module_core_size", trixie's
   * 8.0.6 opens it ({@code sys} shows the panic, {@code bt} the trigger's backtrace).
   */
  static String crashFor(String release) {
    boolean moduleMemory;
    try {
      moduleMemory = dev.pvpanic.harness.oracle.KernelVersion.parse(release).atLeast(6, 4);
    } catch (RuntimeException e) {
      return "crash >= 8.0.3 for Linux >= 6.4 (release '" + release + "' not parsed)";
    }
    return moduleMemory
        ? "needs crash >= 8.0.3 (Linux >= 6.4 module_memory): trixie's crash, not bookworm's"
            + " 8.0.2"
        : "any crash 8.x (bookworm's 8.0.2 opens it)";
  }

  /** {@code sha256sum -c} lines for those of {@code names} in {@code folder}. */
  static String sums(Path folder, List<String> names, Map<Path, String> hashes) {
    StringBuilder sb = new StringBuilder();
    for (String name : names) {
      Path f = folder.resolve(name);
      if (Files.isRegularFile(f)) {
        try {
          sb.append(hash(f, hashes)).append("  ").append(name).append('\n');
        } catch (IOException e) {
          // left out: the report's files: line names the error
        }
      }
    }
    return sb.toString();
  }
}
