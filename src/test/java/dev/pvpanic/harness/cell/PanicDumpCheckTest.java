package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.elf.ElfMachine;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.Trigger;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory dump check on ELF cores laid out as dump-guest-memory writes them (an ELF64 core, a
 * PT_NOTE with NT_PRSTATUS per vCPU, PT_LOAD segments of RAM), and on doctored ones: truncated,
 * another kernel's, another architecture's, no panic in it.
 */
class PanicDumpCheckTest {
  private static final String RELEASE = "6.12.107+deb13-amd64";

  @TempDir Path tmp;

  /** An ELF core of {@code machine} whose memory holds {@code text} somewhere in 3 MiB. */
  private Path core(String name, int machine, String text) throws IOException {
    byte[] memory = new byte[3 << 20];
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, memory, (8 << 20) / 4 + 12345, t.length); // across the reader's chunks
    byte[] note = noteCore();
    int phnum = 2;
    int phoff = 64;
    int noteOff = phoff + phnum * 56;
    int loadOff = noteOff + note.length;
    ByteBuffer b = ByteBuffer.allocate(loadOff + memory.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.position(16);
    b.putShort((short) 4); // ET_CORE
    b.putShort((short) machine);
    b.putInt(1);
    b.putLong(0); // entry
    b.putLong(phoff);
    b.putLong(0); // shoff
    b.putInt(0); // flags
    b.putShort((short) 64);
    b.putShort((short) 56);
    b.putShort((short) phnum);
    b.position(phoff);
    putPhdr(b, 4, noteOff, note.length); // PT_NOTE
    putPhdr(b, 1, loadOff, memory.length); // PT_LOAD
    b.position(noteOff);
    b.put(note);
    b.put(memory);
    Path f = tmp.resolve(name);
    Files.write(f, b.array());
    return f;
  }

  private static void putPhdr(ByteBuffer b, int type, long offset, long size) {
    b.putInt(type);
    b.putInt(0);
    b.putLong(offset);
    b.putLong(0); // vaddr
    b.putLong(0); // paddr
    b.putLong(size);
    b.putLong(size);
    b.putLong(0);
  }

  private static byte[] noteCore() {
    ByteBuffer n = ByteBuffer.allocate(12 + 8 + 336).order(ByteOrder.LITTLE_ENDIAN);
    n.putInt(5).putInt(336).putInt(1); // "CORE", NT_PRSTATUS
    n.put("CORE\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
    return n.array();
  }

  private static String guestText(String release, String panic) {
    return "Linux version "
        + release
        + " (debian-kernel@lists.debian.org) #1 SMP\0....OSRELEASE="
        + release
        + "\nPAGESIZE=4096\n....Kernel panic - not syncing: "
        + panic
        + "\n";
  }

  private List<String> check(Path f, Architecture arch, Trigger t) throws IOException {
    return PanicDump.check(f, arch, RELEASE, t, new StringBuilder());
  }

  @Test
  void theGuestsOwnDumpPasses() throws IOException {
    Path f = core("ok.elf", ElfMachine.X86_64, guestText(RELEASE, "sysrq triggered crash"));
    StringBuilder report = new StringBuilder();
    assertEquals(
        List.of(),
        PanicDump.check(f, Architecture.X86_64, RELEASE, Trigger.of("sysrq-c"), report),
        report.toString());
    assertTrue(
        report.toString().contains("= its VMCOREINFO: 'OSRELEASE=" + RELEASE + "'"),
        report.toString());
    assertTrue(report.toString().contains("1 vCPU note(s)"), report.toString());
  }

  @Test
  void aTruncatedDumpFails() throws IOException {
    Path f = core("t.elf", ElfMachine.X86_64, guestText(RELEASE, "sysrq triggered crash"));
    byte[] all = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(all, all.length / 2));
    List<String> p = check(f, Architecture.X86_64, Trigger.of("sysrq-c"));
    assertTrue(p.stream().anyMatch(s -> s.contains("the dump is truncated")), p.toString());
  }

  @Test
  void anotherKernelsDumpFails() throws IOException {
    Path f =
        core("other.elf", ElfMachine.X86_64, guestText("6.1.158-1-amd64", "sysrq triggered crash"));
    List<String> p = check(f, Architecture.X86_64, Trigger.of("sysrq-c"));
    assertEquals(2, p.size(), p.toString());
    assertTrue(
        p.get(0).contains("the kernel's banner 'Linux version " + RELEASE + "'"), p.toString());
    assertTrue(p.get(1).contains("OSRELEASE=" + RELEASE), p.toString());
  }

  @Test
  void anotherArchitectureOrAnotherPanicFails() throws IOException {
    Path arm = core("arm.elf", ElfMachine.AARCH64, guestText(RELEASE, "sysrq triggered crash"));
    assertTrue(
        check(arm, Architecture.X86_64, Trigger.of("sysrq-c")).get(0).contains("not x86_64"));
    Path sysrq = core("sysrq.elf", ElfMachine.X86_64, guestText(RELEASE, "sysrq triggered crash"));
    List<String> p = check(sysrq, Architecture.X86_64, Trigger.of("nmi"));
    assertEquals(List.of("the panic message 'NMI: Not continuing' is not in the dumped memory"), p);
  }

  @Test
  void theKeptDumpsSumsCheckWithSha256sumAndTheReopenCommandNamesTheDebugVmlinux()
      throws Exception {
    Files.writeString(tmp.resolve(PanicDump.KDUMP), "compressed dump");
    Files.writeString(tmp.resolve(PanicDump.REGISTERS), "RAX=0\n");
    java.util.Map<Path, String> hashes = new java.util.HashMap<>();

    String sums =
        PanicDump.sums(tmp, List.of(PanicDump.KDUMP, PanicDump.REGISTERS, "absent"), hashes);
    Files.writeString(tmp.resolve(CellArtifacts.DUMP_SUMS), sums);

    assertEquals(2, sums.lines().count(), sums);
    Process p =
        new ProcessBuilder("sha256sum", "-c", CellArtifacts.DUMP_SUMS)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    Files.writeString(tmp.resolve(PanicDump.KDUMP), "another dump");
    Process again =
        new ProcessBuilder("sha256sum", "-c", CellArtifacts.DUMP_SUMS)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .start();
    again.getInputStream().readAllBytes();
    assertEquals(1, again.waitFor(), "a changed dump no longer checks");

    String reopen = PanicDump.reopen("7.3.4+deb13-amd64");
    assertTrue(reopen.contains("verify: sha256sum -c dump.sha256\n"), reopen);
    assertTrue(
        reopen.contains(
            "reopen: crash /usr/lib/debug/boot/vmlinux-7.3.4+deb13-amd64 guest-memory.kdump"),
        reopen);
    assertTrue(reopen.contains("linux-image-7.3.4+deb13-amd64-dbg"), reopen);
    assertTrue(reopen.contains("needs crash >= 8.0.3"), "7.3 has module_memory: " + reopen);
    assertTrue(PanicDump.crashFor("6.1.0-30-amd64").startsWith("any crash 8.x"));
    assertTrue(PanicDump.crashFor("6.4.0").startsWith("needs crash >= 8.0.3"));
  }

  @Test
  void notAnElfFileFails() throws IOException {
    Path f = tmp.resolve("junk");
    Files.writeString(f, "not a dump");
    assertTrue(
        check(f, Architecture.X86_64, Trigger.of("sysrq-c")).get(0).startsWith("not an ELF file"));
  }
}
