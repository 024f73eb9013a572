package dev.pvpanic.harness.matrix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The number of cells guest-configs/smoke.yaml lists, counted from its lines ({@code - {name:
 * ...}}) without the config loader, so tests that check the planned cells do not take the count
 * from the code under test (and adding a cell needs no edit of a test).
 */
public final class SmokeLines {
  private static final Pattern CELL_LINE = Pattern.compile("^\\s*- \\{name:");

  private SmokeLines() {}

  public static int count() {
    try {
      return (int)
          Files.readAllLines(Path.of("guest-configs/smoke.yaml")).stream()
              .filter(l -> CELL_LINE.matcher(l).find())
              .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
