package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.UserKernelsFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run --bisect speaks git bisect run's exit codes: 0 good, 1 bad, 125 cannot judge. */
class BisectStatusTest {
  @TempDir Path tmp;

  @Test
  void aPassIsGoodAndAFindingAboutTheKernelIsBad() {
    assertEquals(0, BisectStatus.of(Verdict.PASS, true).code());
    for (Verdict v :
        new Verdict[] {
          Verdict.WRONG_EVENTS,
          Verdict.WRONG_GUEST_STATE,
          Verdict.UNEXPECTED_PANIC,
          Verdict.CAPTURE_FAILED,
          Verdict.QEMU_CRASHED
        }) {
      assertEquals(1, BisectStatus.of(v, true).code(), v.name());
      assertEquals(1, BisectStatus.of(v, false).code(), v.name() + " before READY");
    }
  }

  @Test
  void aHangIsBadOnlyOnceTheGuestHadBooted() {
    assertEquals(1, BisectStatus.of(Verdict.TIMEOUT, true).code());
    assertEquals(125, BisectStatus.of(Verdict.TIMEOUT, false).code());
  }

  @Test
  void whatSaysNothingAboutTheCommitIsSkipped() {
    assertEquals(125, BisectStatus.of(Verdict.INFRASTRUCTURE_ERROR, true).code());
    assertEquals(125, BisectStatus.of(Verdict.NOT_APPLICABLE, false).code());
  }

  @Test
  void everyVerdictHasABisectStatus() {
    for (Verdict v : Verdict.values()) {
      int code = BisectStatus.of(v, true).code();
      assertTrue(code == 0 || code == 1 || code == 125, v + " -> " + code);
    }
  }

  @Test
  void aBadFlagIsNoFindingAboutTheCommit() {
    CliRun r = CliRun.of("run", "--bisect", "--no-such-flag");
    assertEquals(125, r.exit(), r.toString());
    assertEquals(2, CliRun.of("run", "--no-such-flag").exit(), "without --bisect: usage");
  }

  @Test
  void aTreeTheHarnessRefusesCannotBeJudged() {
    CliRun r =
        CliRun.of("run", "--bisect", "--kernel", "build:" + tmp.resolve("nowhere"), "--kdump");
    assertEquals(125, r.exit(), r.toString());
    assertTrue(r.err().contains("cannot be judged (exit 125)"), r.toString());
    assertTrue(r.err().contains("no such folder"), r.toString());
  }

  @Test
  void makeNeedsABuildFolder() {
    CliRun r = CliRun.of("run", "--make", "--arch", "x86_64", "--kernel", "6.12");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("give --kernel build:DIR"), r.toString());
  }

  @Test
  void aTreeThatDoesNotBuildIsSkippedWithMakesOwnWords() {
    Path tree = UserKernelsFixture.x86BuildTree(tmp.resolve("linux"), "CONFIG_MODULES=y\n");
    CliRun r = CliRun.of("run", "--bisect", "--make", "--kernel", "build:" + tree);
    assertEquals(125, r.exit(), r.toString());
    assertTrue(r.err().contains("No rule to make target 'bzImage'"), r.toString());
    CliRun plain = CliRun.of("run", "--make", "--kernel", "build:" + tree);
    assertEquals(3, plain.exit(), "without --bisect a tree that does not build: " + plain);
  }
}
