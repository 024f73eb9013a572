package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A QEMU build that does not exist is refused before anything boots or is written (exit 2), asked
 * of the real Debian archive and the real Docker engine: a suite the mirror lacks, a version the
 * archive does not have, an image the engine does not have. A build that exists but cannot run here
 * (no engine at all) is a skip, not an error.
 */
class BadQemuBuildIT {
  private static final String BAD = "src/test/resources/bad-inputs/";

  @TempDir Path tmp;

  static Stream<Arguments> missingBuilds() {
    return Stream.of(
        Arguments.argumentSet(
            "a suite the mirror does not have",
            "qemu-unknown-suite.yaml",
            List.of(
                "QEMU build 'debian:bookwrom' does not exist",
                "has no suite 'bookwrom'",
                "bullseye (5.2)")),
        Arguments.argumentSet(
            "a version the archive does not have",
            "qemu-unknown-version.yaml",
            List.of(
                "QEMU build 'debian:bullseye=1:5.0+dfsg-1' does not exist",
                "has no version '1:5.0+dfsg-1'",
                "available: 1:5.2")));
  }

  @ParameterizedTest
  @MethodSource("missingBuilds")
  void isRefusedBeforeAnythingRuns(String config, List<String> expected) {
    assertRefused(config, expected);
  }

  @Test
  void anImageTheEngineDoesNotHaveIsRefused() {
    Prerequisite.CONTAINER.require(
        TestSettings.session().qemuBuilds().engine().problem().isEmpty(),
        () -> TestSettings.session().qemuBuilds().engine().problem().orElse(""));
    assertRefused(
        "qemu-no-such-image.yaml",
        List.of(
            "QEMU build 'container:pvh-qemu:nosuch' does not exist",
            "ci/qemu-container/build.sh pvh-qemu:nosuch"));
  }

  private void assertRefused(String config, List<String> expected) {
    Path out = tmp.resolve("cells");
    CliRun r = CliRun.with(TestSettings.jvm(), "matrix", BAD + config, "--out", out.toString());
    assertEquals(ExitStatus.USAGE.code(), r.exit(), r.toString());
    for (String e : expected) {
      assertTrue(r.err().contains(e), "stderr lacks <" + e + ">:\n" + r);
    }
    assertFalse(r.out().contains("PASS") || r.out().contains("SKIPPED"), r.toString());
    assertFalse(Files.exists(out), "nothing is written before the refusal: " + out);
  }
}
