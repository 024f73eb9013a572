package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeathEvidenceTest {
  @TempDir Path tmp;

  @Test
  void theCoreLimitIsTheSoftValueOfItsLine() throws IOException {
    Path limits = tmp.resolve("limits");
    Files.writeString(
        limits,
        "Limit                     Soft Limit           Hard Limit           Units\n"
            + "Max cpu time              unlimited            unlimited            seconds\n"
            + "Max core file size        0                    unlimited            bytes\n");
    assertEquals(Optional.of("0"), DeathEvidence.coreLimit(limits));
    Files.writeString(limits, "Max core file size        unlimited  unlimited  bytes\n");
    assertEquals(Optional.of("unlimited"), DeathEvidence.coreLimit(limits));
    assertFalse(DeathEvidence.coreLimit(Path.of("/proc/self/limits")).isEmpty(), "this JVM's");
  }

  @Test
  void theOomKillCountIsReadFromMemoryEvents() {
    assertEquals(
        Optional.of(3L), DeathEvidence.oomKillCount("low 0\nhigh 0\nmax 12\noom 4\noom_kill 3\n"));
    assertEquals(Optional.empty(), DeathEvidence.oomKillCount("low 0\n"));
  }

  @Test
  void theKernelsOomLineForThePidIsFound() {
    String log =
        "[  10.0] Killed process 4242 (other)\n"
            + "[ 571.1] Memory cgroup out of memory: Killed process 1234 (qemu-system-x86) total-vm:1kB\n"
            + "[ 572.0] Killed process 12345 (qemu-system-x86)\n";
    assertEquals(
        Optional.of(
            "Memory cgroup out of memory: Killed process 1234 (qemu-system-x86) total-vm:1kB"),
        DeathEvidence.oomLine(log, 1234));
    assertEquals(Optional.empty(), DeathEvidence.oomLine(log, 123));
  }
}
