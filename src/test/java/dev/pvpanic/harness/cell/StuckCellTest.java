package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StuckCellTest {
  @TempDir Path tmp;

  @Test
  void aSilentGuestIsToldFromOneStillPrinting() {
    assertTrue(StuckCell.consoleClass(Duration.ofSeconds(45)).startsWith("a silent guest"));
    assertTrue(StuckCell.consoleClass(Duration.ofSeconds(2)).startsWith("the guest was still"));
  }
}
