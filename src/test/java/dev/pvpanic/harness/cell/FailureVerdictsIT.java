package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.oracle.ExpectedEvent;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.FinalState;
import dev.pvpanic.harness.oracle.Multiplicity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The harness's own failure paths, on a real guest: a deliberately wrong expectation must fail with
 * a diff a person reads at a glance, and a guest that never panics must fail as a timeout with the
 * console tail, within its bound. Nothing may be left running either way. Its tests run two at a
 * time: most of their time is a guest waited out, idle.
 */
class FailureVerdictsIT {
  private static PlannedCell planned;
  private static GuestImage image;

  @BeforeAll
  static void image() {
    SeedCell seed = SeedCell.named("failure-paths");
    planned = seed.planned();
    image = seed.image();
  }

  private static Path artifacts(String name) {
    return Path.of(System.getProperty("pvh.build.dir", "target"), "failure-verdicts", name);
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aWrongExpectationFailsWithAReadableDiff() {
    // Claim the guest sends CRASH_LOADED although kdump is not loaded: the rules say PANICKED.
    CellOptions options =
        TestSettings.session()
            .cellOptions()
            .withExpectation(
                e ->
                    new ExpectedOutcome(
                        List.of(
                            new ExpectedEvent(
                                "GUEST_CRASHLOADED", Map.of("action", "run"), Multiplicity.ONE)),
                        e.finalState(),
                        e.captureKernelRuns(),
                        List.of("test-only override: deliberately wrong"),
                        e.guest()))
            .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(20));
    CellResult r =
        TestSettings.session()
            .runner(options)
            .run(planned.cell(), image, planned.qemu(), artifacts("wrong"));
    assertEquals(Verdict.WRONG_EVENTS, r.verdict(), r.message());
    String diff = r.message();
    assertTrue(diff.contains("- GUEST_CRASHLOADED {action: run}"), diff);
    assertTrue(
        diff.contains("+ (unexpected)") && diff.contains("GUEST_PANICKED {action: run}"), diff);
    WrongEventsError error = assertThrows(WrongEventsError.class, r::assertPassed);
    assertTrue(error.getMessage().contains("artifacts:"), error.getMessage());
    assertTrue(Files.exists(r.artifacts().resolve("diff.txt")));
    System.out.println("the diff a person sees:\n" + diff);
  }

  /**
   * Issue 13's case: the events diverged (GUEST_PANICKED {run} where {poweroff}, SHUTDOWN and an
   * exit were expected), and the guest then stays silent. The cell once waited out its 60 s event
   * bound; it must be judged as soon as the kernel's panic path has ended without the awaited
   * event, seconds after the divergence, well inside that bound.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aSequenceThatCanNoLongerMatchIsJudgedWithoutWaitingOutItsBound() {
    Duration bound = Duration.ofSeconds(60);
    CellOptions options =
        TestSettings.session()
            .cellOptions()
            .withExpectation(
                e ->
                    new ExpectedOutcome(
                        List.of(
                            new ExpectedEvent(
                                "GUEST_PANICKED", Map.of("action", "poweroff"), Multiplicity.ONE),
                            new ExpectedEvent(
                                "SHUTDOWN",
                                Map.of("guest", true, "reason", "guest-panic"),
                                Multiplicity.ONE)),
                        new FinalState.QemuExits(0),
                        false,
                        List.of("test-only override: the default action's sequence"),
                        e.guest()))
            .withTimeouts(bound, bound);
    CellResult r =
        TestSettings.session()
            .runner(options)
            .run(planned.cell(), image, planned.qemu(), artifacts("diverged"));
    assertEquals(Verdict.WRONG_EVENTS, r.verdict(), r.message());
    assertTrue(r.message().contains("- SHUTDOWN {guest: true, reason: guest-panic}"), r.message());
    Duration afterTrigger =
        r.phases().entrySet().stream()
            .filter(p -> List.of("trigger", "collect", "judge").contains(p.getKey()))
            .map(Map.Entry::getValue)
            .reduce(Duration.ZERO, Duration::plus);
    assertTrue(
        afterTrigger.compareTo(Duration.ofSeconds(5)) < 0,
        "judged " + afterTrigger + " after the trigger (bound " + bound + "): " + r.phases());
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aGuestThatNeverPanicsTimesOutWithTheConsoleTailWithinItsBound() {
    Duration bound = Duration.ofSeconds(15);
    CellOptions options =
        TestSettings.session().cellOptions().withTrigger("true").withTimeouts(bound, bound);
    Instant start = Instant.now();
    CellResult r =
        TestSettings.session()
            .runner(options)
            .run(planned.cell(), image, planned.qemu(), artifacts("noop"));
    Duration collect = r.phases().getOrDefault("collect", Duration.ZERO);
    assertEquals(Verdict.TIMEOUT, r.verdict(), r.message());
    assertTrue(r.message().contains("timed out waiting for QMP event GUEST_PANICKED"), r.message());
    assertTrue(r.message().contains("console tail:") && r.message().contains("~ # "), r.message());
    assertTrue(
        Duration.between(start, Instant.now()).compareTo(bound.plus(Duration.ofSeconds(60))) < 0,
        "the timeout must end the cell near its bound");
    assertThrows(CellTimeoutException.class, r::assertPassed);
    assertFalse(r.phases().containsKey("trigger"), "no trigger effect may be recorded: " + collect);
  }

  /**
   * syzkaller's "no output" class: a guest that says nothing for longer than {@link
   * StuckCell#SILENT} is called silent, told apart from one that was still printing (the next
   * test).
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aSilentGuestIsCalledSilent() {
    Duration bound = StuckCell.SILENT.plusSeconds(5);
    CellResult silent =
        TestSettings.session()
            .runner(
                TestSettings.session().cellOptions().withTrigger("true").withTimeouts(bound, bound))
            .run(planned.cell(), image, planned.qemu(), artifacts("silent"));
    assertEquals(Verdict.TIMEOUT, silent.verdict(), silent.message());
    assertTrue(
        silent.message().contains("a silent guest: no console output for the last"),
        silent.message());
  }

  /** The other half of the previous test: a guest still printing is not called silent. */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aGuestStillPrintingIsNotCalledSilent() {
    Duration bound = StuckCell.SILENT.plusSeconds(5);
    CellResult printing =
        TestSettings.session()
            .runner(
                TestSettings.session()
                    .cellOptions()
                    .withTrigger("(while :; do echo tick; sleep 1; done) &")
                    .withTimeouts(bound, bound))
            .run(planned.cell(), image, planned.qemu(), artifacts("printing"));
    assertEquals(Verdict.TIMEOUT, printing.verdict(), printing.message());
    assertTrue(printing.message().contains("the guest was still printing"), printing.message());
    assertFalse(printing.message().contains("a silent guest"), printing.message());
    assertTrue(printing.message().contains("tick"), "its console tail: " + printing.message());
  }
}
