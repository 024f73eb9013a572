package dev.pvpanic.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The report command reads two folders and its flags, or says what is wrong with them. */
class ReportArgumentsTest {

  @Test
  void foldersFlagsAndSettingsInAnyOrder() throws Exception {
    ReportArguments a =
        ReportArguments.parse(
            new String[] {
              "--run-id=nightly-17",
              "cells",
              "--wall-time=312.5",
              "out",
              "--origin=pvh",
              "--artifacts-url=https://ci.example/run/17",
              "--allure-results=allure"
            });

    assertEquals("cells", a.cellsDir());
    assertEquals("out", a.outDir());
    assertEquals(Optional.of(Duration.ofMillis(312_500)), a.wallTime());
    assertEquals(Optional.of(Path.of("allure")), a.allureResults());
    assertEquals(
        Map.of(
            "pvh.run-id", "nightly-17",
            "pvh.kcidb.origin", "pvh",
            "pvh.artifacts-url", "https://ci.example/run/17"),
        a.settingFlags());
  }

  @Test
  void withoutFlagsNothingIsSet() throws Exception {
    ReportArguments a = ReportArguments.parse(new String[] {"cells", "out"});

    assertEquals(Optional.empty(), a.wallTime());
    assertEquals(Optional.empty(), a.allureResults());
    assertEquals(Map.of(), a.settingFlags());
  }

  @Test
  void eachUsageErrorSaysWhat() {
    assertEquals(ReportArguments.USAGE, usageError("cells"));
    assertEquals(ReportArguments.USAGE, usageError("a", "b", "c"));
    assertEquals("unknown option --colour\n" + ReportArguments.USAGE, usageError("--colour"));
    assertEquals(
        "--wall-time takes seconds (e.g. --wall-time=312.5), not '5m'",
        usageError("cells", "out", "--wall-time=5m"));
  }

  private static String usageError(String... args) {
    return assertThrows(ReportArguments.UsageError.class, () -> ReportArguments.parse(args))
        .getMessage();
  }
}
