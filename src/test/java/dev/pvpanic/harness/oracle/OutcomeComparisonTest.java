package dev.pvpanic.harness.oracle;

import static dev.pvpanic.harness.oracle.Cells.guest;
import static dev.pvpanic.harness.oracle.Cells.qemu;
import static dev.pvpanic.harness.oracle.Cells.x86;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.machine.PvpanicDevice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Expectations come from the oracle; only the "actual" side is made up here. */
class OutcomeComparisonTest {

  private static final GuestFacts GUEST = guest("6.12.95", PvpanicDriver.PVPANIC_PCI, 7);
  private static final FinalState RUNNING = new FinalState.Status("running", true);

  private static final ObservedEvent CRASH_LOADED =
      new ObservedEvent("GUEST_CRASHLOADED", Map.of("action", "run"));
  private static final ObservedEvent RESET =
      new ObservedEvent("RESET", Map.of("guest", true, "reason", "guest-reset"));

  /**
   * kdump + post notifiers: GUEST_CRASHLOADED{run}, then 1 to 8 RESETs (x86: the reset, SeaBIOS).
   */
  private static ExpectedOutcome kdumpWithPostNotifiers() {
    CellSetup setup =
        x86(PvpanicDevice.Kind.PCI)
            .withKdump(true, PostNotifiers.RUNTIME)
            .withActions(PanicAction.NONE, ShutdownAction.DEFAULT);
    return Oracle.expect(setup, GUEST, qemu(10, 0));
  }

  /** Default actions, no kdump: GUEST_PANICKED{poweroff}, SHUTDOWN{guest-panic}, exit 0. */
  private static ExpectedOutcome defaultPanic() {
    return Oracle.expect(x86(PvpanicDevice.Kind.PCI), GUEST, qemu(10, 0));
  }

  private static List<ObservedEvent> crashLoadedThenResets(int resets) {
    List<ObservedEvent> events = new ArrayList<>();
    events.add(CRASH_LOADED);
    events.addAll(Collections.nCopies(resets, RESET));
    return events;
  }

  /** A capture kernel ran, read {@code log} from the dump, and the guest was seen booting. */
  private static ObservedOutcome captured(List<ObservedEvent> events, DumpLog log) {
    return new ObservedOutcome(events, RUNNING, true, Optional.empty(), Optional.of(log), true);
  }

  private static final DumpLog SYSRQ_IN_DUMP =
      new DumpLog("ok", 512, List.of("sysrq triggered crash"));

  @ParameterizedTest(name = "{0} RESET(s)")
  @ValueSource(ints = {1, 2, 3, 5, 8})
  void resetsWithinTheRulesBoundMatch(int resets) {
    ObservedOutcome actual = captured(crashLoadedThenResets(resets), SYSRQ_IN_DUMP);

    Comparison comparison = OutcomeComparison.compare(kdumpWithPostNotifiers(), actual);

    assertTrue(comparison.matches(), comparison.diff());
    assertTrue(
        comparison.diff().contains("RESET {guest: true, reason: guest-reset} x" + resets),
        comparison.diff());
  }

  @Test
  void zeroResetsFail() {
    ObservedOutcome actual = captured(crashLoadedThenResets(0), SYSRQ_IN_DUMP);

    Comparison comparison = OutcomeComparison.compare(kdumpWithPostNotifiers(), actual);

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(
        comparison.diff().contains("- RESET {guest: true, reason: guest-reset} x1..8"),
        comparison.diff());
    assertTrue(comparison.diff().contains("(missing)"), comparison.diff());
  }

  @ParameterizedTest(name = "{0} RESETs")
  @ValueSource(ints = {9, 1232})
  void moreResetsThanTheRuleAllowsFailAsOneReadableLine(int resets) {
    ObservedOutcome actual = captured(crashLoadedThenResets(resets), SYSRQ_IN_DUMP);

    Comparison comparison = OutcomeComparison.compare(kdumpWithPostNotifiers(), actual);

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(
        comparison.diff().contains("RESET {guest: true, reason: guest-reset} x8"),
        comparison.diff());
    assertTrue(
        comparison.diff().contains("RESET {guest: true, reason: guest-reset} x" + (resets - 8)),
        comparison.diff());
    assertTrue(comparison.diff().lines().count() < 20, comparison.diff());
  }

  @Test
  void resetsWithoutANewBootFail() {
    ObservedOutcome actual =
        new ObservedOutcome(
            crashLoadedThenResets(2), RUNNING, true, Optional.empty(), Optional.of(SYSRQ_IN_DUMP));

    Comparison comparison = OutcomeComparison.compare(kdumpWithPostNotifiers(), actual);

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(
        comparison
            .diff()
            .contains("! boot: expected boots again after the reset, actual not seen booting"),
        comparison.diff());
  }

  @Test
  void aBootNoRuleExpectsIsADifference() {
    ObservedOutcome actual =
        new ObservedOutcome(
            List.of(new ObservedEvent("GUEST_PANICKED", Map.of("action", "poweroff"))),
            new FinalState.QemuExits(0),
            false,
            Optional.empty(),
            Optional.empty(),
            true);

    Comparison comparison = OutcomeComparison.compare(defaultPanic(), actual);

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(comparison.diff().contains("! boot: expected no reboot"), comparison.diff());
  }

  @Test
  void wrongDataFails() {
    List<ObservedEvent> events =
        List.of(new ObservedEvent("GUEST_CRASHLOADED", Map.of("action", "pause")), RESET);

    Comparison comparison =
        OutcomeComparison.compare(
            kdumpWithPostNotifiers(), new ObservedOutcome(events, RUNNING, true));

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(comparison.diff().contains("! GUEST_CRASHLOADED {action: run}"), comparison.diff());
    assertTrue(comparison.diff().contains("GUEST_CRASHLOADED {action: pause}"), comparison.diff());
  }

  @Test
  void anExtraDataKeyFails() {
    List<ObservedEvent> events =
        List.of(
            new ObservedEvent("GUEST_CRASHLOADED", Map.of("action", "run", "info", Map.of())),
            RESET);

    Comparison comparison =
        OutcomeComparison.compare(
            kdumpWithPostNotifiers(), new ObservedOutcome(events, RUNNING, true));

    assertFalse(comparison.matches(), comparison.diff());
  }

  @Test
  void anExtraTrailingEventFails() {
    List<ObservedEvent> events = new ArrayList<>(crashLoadedThenResets(2));
    events.add(new ObservedEvent("STOP", Map.of()));

    Comparison comparison =
        OutcomeComparison.compare(
            kdumpWithPostNotifiers(), new ObservedOutcome(events, RUNNING, true));

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(comparison.diff().contains("+ (unexpected)"), comparison.diff());
  }

  @Test
  void theDiffShowsMissingAndUnexpectedLinesAndTheFinalState() {
    List<ObservedEvent> events =
        List.of(
            new ObservedEvent("RESUME", Map.of()),
            new ObservedEvent("SHUTDOWN", Map.of("guest", true, "reason", "guest-panic")));

    Comparison comparison =
        OutcomeComparison.compare(defaultPanic(), new ObservedOutcome(events, RUNNING, false));

    assertFalse(comparison.matches());
    List<String> lines = comparison.diff().lines().toList();
    assertTrue(lines.get(0).startsWith("  expected "), comparison.diff());
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith("- GUEST_PANICKED {action: poweroff}") && l.endsWith("(missing)")),
        comparison.diff());
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("+ (unexpected)") && l.endsWith("RESUME")),
        comparison.diff());
    assertTrue(
        lines.stream()
            .anyMatch(
                l ->
                    l.startsWith("= SHUTDOWN {guest: true, reason: guest-panic}")
                        && l.endsWith("SHUTDOWN {guest: true, reason: guest-panic}")),
        comparison.diff());
    assertTrue(
        lines.contains("! final: expected QEMU exits 0, actual status running"), comparison.diff());
  }

  @Test
  void columnsAreAligned() {
    List<ObservedEvent> events = List.of(new ObservedEvent("RESUME", Map.of()));

    Comparison comparison =
        OutcomeComparison.compare(defaultPanic(), new ObservedOutcome(events, RUNNING, false));

    List<String> eventLines =
        comparison.diff().lines().takeWhile(l -> !l.contains("final:")).toList();
    int column = eventLines.get(0).indexOf("actual");
    for (String line : eventLines.subList(1, eventLines.size())) {
      assertTrue(line.length() > column && line.charAt(column - 1) == ' ', comparison.diff());
      assertTrue(line.charAt(column) != ' ', comparison.diff());
    }
  }

  @Test
  void aMissingVmcoreFails() {
    ObservedOutcome actual = new ObservedOutcome(crashLoadedThenResets(2), RUNNING, false);

    Comparison comparison = OutcomeComparison.compare(kdumpWithPostNotifiers(), actual);

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(comparison.diff().contains("! capture kernel: expected to run"), comparison.diff());
  }

  @Test
  void theDumpLogMustHoldTheTriggersPanic() {
    Comparison comparison =
        OutcomeComparison.compare(
            kdumpWithPostNotifiers(), captured(crashLoadedThenResets(2), SYSRQ_IN_DUMP));

    assertTrue(comparison.matches(), comparison.diff());
    assertTrue(
        comparison.diff().contains("= dump log: panic 'sysrq triggered crash'"), comparison.diff());
  }

  @Test
  void aDumpLogWithAnotherPanicFails() {
    DumpLog other = new DumpLog("ok", 512, List.of("Fatal exception"));

    Comparison comparison =
        OutcomeComparison.compare(
            kdumpWithPostNotifiers(), captured(crashLoadedThenResets(2), other));

    assertFalse(comparison.matches(), comparison.diff());
    assertTrue(
        comparison
            .diff()
            .contains(
                "! dump log: expected it holds the panic 'sysrq triggered crash' (vmcore-dmesg),"
                    + " actual panic 'Fatal exception'"),
        comparison.diff());
    assertTrue(
        comparison.lines().stream().anyMatch(l -> l.section().equals("dump log") && l.differs()));
  }

  @Test
  void anUnreadableDumpOrNoDmesgLineFails() {
    for (ObservedOutcome actual :
        List.of(
            captured(crashLoadedThenResets(1), new DumpLog("failed", 0, List.of())),
            captured(crashLoadedThenResets(1), new DumpLog("ok", 300, List.of())),
            new ObservedOutcome(crashLoadedThenResets(1), RUNNING, true))) {
      Comparison comparison = OutcomeComparison.compare(kdumpWithPostNotifiers(), actual);

      assertFalse(comparison.matches(), comparison.diff());
      assertTrue(comparison.diff().contains("! dump log: expected it holds"), comparison.diff());
    }
  }

  @Test
  void noCaptureKernelNoDumpLogLine() {
    Comparison comparison =
        OutcomeComparison.compare(
            defaultPanic(),
            new ObservedOutcome(
                List.of(
                    new ObservedEvent("GUEST_PANICKED", Map.of("action", "poweroff")),
                    new ObservedEvent("SHUTDOWN", Map.of("guest", true, "reason", "guest-panic"))),
                new FinalState.QemuExits(0),
                false));

    assertTrue(comparison.matches(), comparison.diff());
    assertFalse(comparison.diff().contains("dump log"), comparison.diff());
  }

  @Test
  void numbersCompareByValue() {
    ExpectedOutcome expected =
        new ExpectedOutcome(
            List.of(ExpectedEvent.one("X", Map.of("n", 1L))),
            RUNNING,
            false,
            List.of("test"),
            java.util.Optional.empty());
    ObservedOutcome actual =
        new ObservedOutcome(List.of(new ObservedEvent("X", Map.of("n", 1))), RUNNING, false);

    assertTrue(OutcomeComparison.compare(expected, actual).matches());
  }

  @Test
  void noEventsExpectedAndNoneSeenMatches() {
    CellSetup setup = x86(PvpanicDevice.Kind.NONE);
    ExpectedOutcome expected =
        Oracle.expect(setup, Cells.oldGuest("6.12.95", PvpanicDriver.NONE), qemu(10, 0));

    Comparison comparison =
        OutcomeComparison.compare(expected, new ObservedOutcome(List.of(), RUNNING, false));

    assertTrue(comparison.matches(), comparison.diff());
    assertTrue(comparison.diff().contains("(no events)"), comparison.diff());
  }
}
