package dev.pvpanic.harness.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StuckCellTest {
  @TempDir Path tmp;

  @Test
  void theStateIsReadAfterTheCommandsParenthesisEvenWithSpacesInIt() throws IOException {
    Path stat = tmp.resolve("stat");
    Files.writeString(stat, "1234 (qemu-system-x86 (x)) T 1 1234 1234 0 -1 4194560\n");
    assertEquals(Optional.of('T'), StuckCell.processState(stat));
    Files.writeString(stat, "1234 (qemu-system-x86) S 1 1234\n");
    assertEquals(Optional.of('S'), StuckCell.processState(stat));
    assertEquals(Optional.empty(), StuckCell.processState(tmp.resolve("gone")));
    assertTrue(StuckCell.processState(Path.of("/proc/self/stat")).isPresent(), "this JVM");
  }

  @Test
  void aSilentGuestIsToldFromOneStillPrinting() {
    assertTrue(StuckCell.consoleClass(Duration.ofSeconds(45)).startsWith("a silent guest"));
    assertTrue(StuckCell.consoleClass(Duration.ofSeconds(2)).startsWith("the guest was still"));
  }
}
